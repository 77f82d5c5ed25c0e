using System.Text.RegularExpressions;
using Tuf.Internal;

namespace Tuf.Signing;

/// <summary>
/// A folder of encrypted private keys, one file per key (<c>NAME.key.json</c>, mode 0600, folder 0700). Private
/// keys are encrypted with XChaCha20-Poly1305 under a key derived from a passphrase with Argon2id (as libsodium's
/// <c>crypto_pwhash</c> does, through NSec.Cryptography); public keys are stored in clear. The file format is described on <c>KeyFile</c> and in
/// docs/signing.md.
/// </summary>
public sealed partial class KeyStore
{
    private const string Extension = ".key.json";

    /// <summary>Opens (without creating) the key store in <paramref name="directory"/>.</summary>
    /// <param name="directory">The key store folder.</param>
    public KeyStore(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>The default key store folder, <c>~/.tuf/keys</c>.</summary>
    public static string DefaultDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".tuf", "keys");

    /// <summary>The key store folder.</summary>
    public string Directory { get; }

    /// <summary>Argon2id limits for keys written by this instance.</summary>
    internal KdfLimits Limits { get; init; } = KdfLimits.Default;

    /// <summary>Generates a key and stores it encrypted under <paramref name="passphrase"/>.</summary>
    /// <param name="name">The key's name (letters, digits, <c>.</c>, <c>_</c>, <c>-</c>).</param>
    /// <param name="type">The key type.</param>
    /// <param name="passphrase">The passphrase protecting the private key.</param>
    /// <returns>The new entry.</returns>
    /// <exception cref="SigningException">The name is invalid or taken.</exception>
    public KeyStoreEntry Generate(string name, SigningKeyType type, ReadOnlySpan<char> passphrase)
    {
        CheckNewName(name);
        using var signer = InMemorySigner.Generate(type);
        return Store(name, signer, passphrase);
    }

    /// <summary>Imports a PEM private key (PKCS#8; PKCS#1 RSA and SEC1 EC are converted) and stores it encrypted.</summary>
    /// <param name="name">The key's name.</param>
    /// <param name="pem">The PEM text.</param>
    /// <param name="passphrase">The passphrase protecting the private key in the store.</param>
    /// <returns>The new entry.</returns>
    /// <exception cref="SigningException">The name is invalid or taken, or the PEM is not a supported private key.</exception>
    public KeyStoreEntry Import(string name, string pem, ReadOnlySpan<char> passphrase)
    {
        ArgumentNullException.ThrowIfNull(pem);
        CheckNewName(name);
        using var signer = InMemorySigner.FromPem(pem, name);
        return Store(name, signer, passphrase);
    }

    /// <summary>Every key in the store, by name.</summary>
    /// <returns>The entries, sorted by name.</returns>
    /// <exception cref="SigningException">A key file cannot be read (<see cref="Names"/> and <see cref="Get"/> read them one by one).</exception>
    public IReadOnlyList<KeyStoreEntry> List() => Names().Select(Get).ToList();

    /// <summary>The names of the keys in the store, without reading them.</summary>
    /// <returns>The names, sorted.</returns>
    public IReadOnlyList<string> Names()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var names = System.IO.Directory.EnumerateFiles(Directory, "*" + Extension)
            .Select(path => Path.GetFileName(path)[..^Extension.Length])
            .Where(IsValidName)
            .ToList();
        names.Sort(string.CompareOrdinal);
        return names;
    }

    /// <summary>Whether a key named <paramref name="name"/> exists.</summary>
    /// <param name="name">The key name.</param>
    /// <returns><see langword="true"/> when the store holds it.</returns>
    public bool Contains(string name) => IsValidName(name) && File.Exists(PathOf(name));

    /// <summary>The public half of a key; no passphrase needed.</summary>
    /// <param name="name">The key name.</param>
    /// <returns>The entry.</returns>
    /// <exception cref="SigningException">No such key.</exception>
    public KeyStoreEntry Get(string name)
    {
        var file = ReadFile(ExistingPath(name));
        return new KeyStoreEntry(name, file.KeyId, file.PublicKey);
    }

    /// <summary>Decrypts a private key and returns a signer over it.</summary>
    /// <param name="name">The key name.</param>
    /// <param name="passphrase">The key's passphrase.</param>
    /// <returns>A signer; dispose it when done (when it is <see cref="IDisposable"/>).</returns>
    /// <exception cref="SigningException">No such key, or a wrong passphrase.</exception>
    public ISigner Unlock(string name, ReadOnlySpan<char> passphrase)
    {
        var file = ReadFile(ExistingPath(name));
        byte[] pkcs8 = file.Decrypt(passphrase);
        try
        {
            var signer = InMemorySigner.FromPkcs8(pkcs8, name);
            if (signer.KeyId != file.KeyId)
            {
                signer.Dispose();
                throw new SigningException($"key '{name}': the private key does not match the public key in its file");
            }

            return signer;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    internal static bool IsValidName(string name) => name is not null && NamePattern().IsMatch(name);

    private KeyStoreEntry Store(string name, InMemorySigner signer, ReadOnlySpan<char> passphrase)
    {
        byte[] pkcs8 = signer.ExportPkcs8();
        KeyFile file;
        try
        {
            file = KeyFile.Encrypt(name, signer.PublicKey, signer.KeyId, pkcs8, passphrase, Limits);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(pkcs8);
        }

        CreateDirectory();
        string target = PathOf(name);
        string temp = Path.Combine(Directory, $".{name}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(file.ToBytes());
                stream.Flush(flushToDisk: true);
            }

            // No overwrite: two concurrent generates of the same name cannot both win.
            File.Move(temp, target, overwrite: false);
        }
        catch (IOException ex)
        {
            TryDelete(temp);
            throw new SigningException(File.Exists(target) ? $"key '{name}' already exists in {Directory}" : $"cannot write key '{name}': {ex.Message}", ex);
        }

        return new KeyStoreEntry(name, file.KeyId, file.PublicKey);
    }

    private void CreateDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private void CheckNewName(string name)
    {
        if (!IsValidName(name))
        {
            throw new SigningException($"invalid key name '{ErrorText.Untrusted(name)}' (use letters, digits, '.', '_' and '-'; at most 64 characters)");
        }

        if (File.Exists(PathOf(name)))
        {
            throw new SigningException($"key '{name}' already exists in {Directory}");
        }
    }

    private string ExistingPath(string name)
    {
        if (!IsValidName(name) || !File.Exists(PathOf(name)))
        {
            throw new SigningException($"no key named '{ErrorText.Untrusted(name)}' in {Directory}");
        }

        return PathOf(name);
    }

    private string PathOf(string name) => Path.Combine(Directory, name + Extension);

    private static KeyFile ReadFile(string path)
    {
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SigningException($"cannot read key file {path}: {ex.Message}", ex);
        }

        return KeyFile.Parse(data, path);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp file holds only ciphertext.
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
