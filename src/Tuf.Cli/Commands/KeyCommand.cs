using Tuf.Cli.Output;
using System.CommandLine;
using Tuf.Signing;

namespace Tuf.Cli.Commands;

/// <summary><c>tuf key</c>: generate, list, import and export keys of the encrypted key store.</summary>
internal static class KeyCommand
{
    public static Command Create()
    {
        var command = new Command("key", "Manage signing keys in the encrypted key store");
        command.Subcommands.Add(Generate());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Export());
        command.Subcommands.Add(Import());
        return command;
    }

    private static Command Generate()
    {
        var name = new Argument<string>("NAME") { Description = "The key's name in the store" };
        var type = new Option<string>("--type") { Description = "Key type", DefaultValueFactory = _ => "ed25519" };
        type.AcceptOnlyFromAmong("ed25519", "ecdsa-p256", "rsa-3072", "ml-dsa-44", "ml-dsa-65", "ml-dsa-87");
        var keystore = KeyResolver.KeystoreOption();
        var allowEmpty = KeyResolver.AllowEmptyPassphraseOption();
        var command = new Command("generate", "Generate a key and store it encrypted") { name, type, keystore, allowEmpty };
        command.SetGuardedAction(parse =>
        {
            var store = KeyResolver.Open(parse, keystore);
            var keyType = parse.GetValue(type) switch
            {
                "ecdsa-p256" => SigningKeyType.EcdsaP256,
                "rsa-3072" => SigningKeyType.Rsa3072,
                "ml-dsa-44" => SigningKeyType.MLDsa44,
                "ml-dsa-65" => SigningKeyType.MLDsa65,
                "ml-dsa-87" => SigningKeyType.MLDsa87,
                _ => SigningKeyType.Ed25519,
            };
            string keyName = parse.GetValue(name)!;
            if (store.Contains(keyName))
            {
                throw new SigningException($"key '{keyName}' already exists in {store.Directory}");
            }

            string passphrase = KeyResolver.NewPassphrase(keyName, parse.GetValue(allowEmpty));
            var entry = store.Generate(keyName, keyType, passphrase);
            Console.Out.WriteLine($"{entry.Name} {entry.PublicKey.KeyType}/{entry.PublicKey.Scheme} {entry.KeyId}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List()
    {
        var keystore = KeyResolver.KeystoreOption();
        var json = JsonOut.Option();
        var command = new Command("list", "List the keys in the store") { keystore, json };
        command.SetGuardedAction(parse =>
        {
            // One unreadable key file is marked; the others are still listed.
            var store = KeyResolver.Open(parse, keystore);
            var rows = new List<(string Name, KeyStoreEntry? Entry, string? Error)>();
            foreach (var name in store.Names())
            {
                try
                {
                    rows.Add((name, store.Get(name), null));
                }
                catch (SigningException ex)
                {
                    rows.Add((name, null, ex.Message));
                }
            }

            if (parse.GetValue(json))
            {
                JsonOut.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("keystore", store.Directory);
                    w.Objects("keys", rows, (w, row) =>
                    {
                        var (name, entry, error) = row;
                        w.WriteString("name", name);
                        w.WriteBoolean("readable", entry is not null);
                        if (entry is not null)
                        {
                            w.WriteString("keytype", entry.PublicKey.KeyType);
                            w.WriteString("scheme", entry.PublicKey.Scheme);
                            w.WriteString("keyid", entry.KeyId);
                        }
                        else
                        {
                            w.WriteString("error", error);
                        }
                    });
                    w.WriteEndObject();
                });
            }
            else
            {
                foreach (var (name, entry, _) in rows)
                {
                    Console.Out.WriteLine(entry is null ? $"{name}\tUNREADABLE\t-" : $"{entry.Name}\t{entry.PublicKey.Scheme}\t{entry.KeyId}");
                }
            }

            foreach (var (name, _, error) in rows.Where(r => r.Error is not null))
            {
                Console.Error.WriteLine($"tuf: key '{name}': {error}");
            }

            return rows.All(r => r.Error is null) ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    private static Command Export()
    {
        var name = new Argument<string>("NAME") { Description = "The key's name in the store" };
        var format = new Option<string>("--format") { Description = "Output format", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "pem");
        var output = new Option<string>("--output", "-o") { Description = "Write to FILE instead of standard output", HelpName = "FILE" };
        var keystore = KeyResolver.KeystoreOption();
        var command = new Command("export", "Print a public key as TUF key JSON or PEM") { name, format, output, keystore };
        command.SetGuardedAction(parse =>
        {
            var entry = KeyResolver.Open(parse, keystore).Get(parse.GetValue(name)!);
            string text = parse.GetValue(format) == "pem" ? PublicKeys.ToPem(entry.PublicKey) : PublicKeys.ToJson(entry.PublicKey);
            if (parse.GetValue(output) is { Length: > 0 } file)
            {
                File.WriteAllText(file, text);
            }
            else
            {
                Console.Out.Write(text);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Import()
    {
        var name = new Argument<string>("NAME") { Description = "The key's name in the store" };
        var file = new Argument<string>("FILE") { Description = "A PEM private key (PKCS#8, or PKCS#1 RSA / SEC1 EC)" };
        var keystore = KeyResolver.KeystoreOption();
        var allowEmpty = KeyResolver.AllowEmptyPassphraseOption();
        var command = new Command("import", "Import a PEM private key into the store, encrypted") { name, file, keystore, allowEmpty };
        command.SetGuardedAction(parse =>
        {
            var store = KeyResolver.Open(parse, keystore);
            string path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new SigningException($"{path}: no such file");
            }

            string pem = File.ReadAllText(path);
            string keyName = parse.GetValue(name)!;
            if (store.Contains(keyName))
            {
                throw new SigningException($"key '{keyName}' already exists in {store.Directory}");
            }

            string passphrase = KeyResolver.NewPassphrase(keyName, parse.GetValue(allowEmpty));
            var entry = store.Import(keyName, pem, passphrase);
            Console.Out.WriteLine($"{entry.Name} {entry.PublicKey.KeyType}/{entry.PublicKey.Scheme} {entry.KeyId}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
