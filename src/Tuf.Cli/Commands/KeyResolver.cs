using System.CommandLine;
using System.Text;
using Tuf.Signing;

namespace Tuf.Cli.Commands;

/// <summary>Shared by the key and repo commands: the <c>--keystore</c> option, key lookup and the passphrase.</summary>
internal static class KeyResolver
{
    public const string PassphraseVariable = "TUF_KEY_PASSPHRASE";

    public static Option<string> KeystoreOption() => new("--keystore")
    {
        Description = "Key store folder (default ~/.tuf/keys)",
        HelpName = "DIR",
    };

    public static KeyStore Open(ParseResult parse, Option<string> keystore) =>
        new(parse.GetValue(keystore) is { Length: > 0 } dir ? dir : KeyStore.DefaultDirectory);

    /// <summary>A public key: a key store name, or a file holding TUF key JSON or a PEM public key.</summary>
    public static Key PublicKey(KeyStore store, string reference)
    {
        if (store.Contains(reference))
        {
            return store.Get(reference).PublicKey;
        }

        if (File.Exists(reference))
        {
            return PublicKeys.Load(reference);
        }

        throw new SigningException($"no key named '{reference}' in {store.Directory} (and no public key file of that name)");
    }

    public static List<Key> PublicKeyList(KeyStore store, IEnumerable<string>? references) =>
        (references ?? []).Select(r => PublicKey(store, r)).ToList();

    /// <summary>Decrypts a private key with the passphrase from <c>TUF_KEY_PASSPHRASE</c> or a prompt.</summary>
    public static ISigner Unlock(KeyStore store, string name) => store.Unlock(name, Passphrase(store, name));

    /// <summary>The passphrase for the stored key <paramref name="name"/> (which must exist: checked before asking).</summary>
    public static string Passphrase(KeyStore store, string name)
    {
        _ = store.Get(name);
        return Passphrase($"Passphrase for key '{name}': ", confirm: false);
    }

    public static Option<bool> AllowEmptyPassphraseOption() => new("--allow-empty-passphrase")
    {
        Description = "Accept an empty passphrase for the new key (its file is then protected by file permissions only)",
    };

    /// <summary>The passphrase of a new key: typed twice at a prompt; empty only when the user said so.</summary>
    public static string NewPassphrase(string keyName, bool allowEmpty)
    {
        string passphrase = Passphrase($"New passphrase for key '{keyName}': ", confirm: true);
        if (passphrase.Length == 0 && !allowEmpty)
        {
            throw new UsageException($"empty passphrase for new key '{keyName}' (from {(Environment.GetEnvironmentVariable(PassphraseVariable) is not null ? PassphraseVariable : "the prompt")}): choose one, or pass --allow-empty-passphrase");
        }

        return passphrase;
    }

    /// <summary>The passphrase: <c>TUF_KEY_PASSPHRASE</c> when set, else read from the terminal without echo.</summary>
    public static string Passphrase(string prompt, bool confirm)
    {
        if (Environment.GetEnvironmentVariable(PassphraseVariable) is { } fromEnvironment)
        {
            return fromEnvironment;
        }

        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine() ?? throw new SigningException($"no passphrase: set {PassphraseVariable} or run in a terminal");
        }

        string first = ReadHidden(prompt);
        if (confirm && ReadHidden("Repeat passphrase: ") != first)
        {
            throw new SigningException("passphrases do not match");
        }

        return first;
    }

    private static string ReadHidden(string prompt)
    {
        Console.Error.Write(prompt);
        var sb = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (sb.Length > 0)
                {
                    sb.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                sb.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return sb.ToString();
    }
}
