using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NSec.Cryptography;

namespace Tuf.Signing;

/// <summary>
/// One encrypted private key, as stored in a key store folder (format version 1):
/// <code>
/// {
///   "format": "tuf-net-key", "version": 1, "name": "alice", "keyid": "…",
///   "key": { "keytype": "ed25519", "keyval": { "public": "…" }, "scheme": "ed25519" },
///   "kdf": { "algorithm": "argon2id", "opslimit": 2, "memlimit": 67108864, "salt": "hex(16)" },
///   "cipher": { "algorithm": "xchacha20-poly1305", "nonce": "hex(24)", "ciphertext": "base64(PKCS#8 DER + tag)" }
/// }
/// </code>
/// The AEAD's associated data is <c>"tuf-net-key/1:" + keyid</c>, so a ciphertext cannot be moved under another
/// public key unnoticed. The public key is in clear so that listing keys and building metadata need no passphrase.
/// Argon2id (one lane, <c>memlimit</c> bytes, <c>opslimit</c> passes: libsodium's <c>crypto_pwhash</c>) and
/// XChaCha20-Poly1305 come from NSec.Cryptography.
/// </summary>
internal sealed class KeyFile
{
    public const string FormatName = "tuf-net-key";
    public const int FormatVersion = 1;

    /// <summary>Argon2id salt size.</summary>
    public const int SaltBytes = 16;

    /// <summary>XChaCha20-Poly1305 nonce size (random nonces are safe at this size).</summary>
    public const int NonceBytes = 24;

    private const int MaxFileBytes = 64 * 1024;
    private static readonly AeadAlgorithm s_aead = AeadAlgorithm.XChaCha20Poly1305;

    public required string Name { get; init; }

    public required Key PublicKey { get; init; }

    public required string KeyId { get; init; }

    public required KdfLimits Limits { get; init; }

    public required byte[] Salt { get; init; }

    public required byte[] Nonce { get; init; }

    public required byte[] Ciphertext { get; init; }

    /// <summary>Encrypts <paramref name="pkcs8"/> under a key derived from <paramref name="passphrase"/>.</summary>
    public static KeyFile Encrypt(string name, Key publicKey, string keyId, ReadOnlySpan<byte> pkcs8, ReadOnlySpan<char> passphrase, KdfLimits limits)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        using var aeadKey = DeriveKey(passphrase, salt, limits);
        var ciphertext = new byte[pkcs8.Length + s_aead.TagSize];
        s_aead.Encrypt(aeadKey, nonce, AssociatedData(keyId), pkcs8, ciphertext);
        return new KeyFile
        {
            Name = name, PublicKey = publicKey, KeyId = keyId, Limits = limits, Salt = salt, Nonce = nonce, Ciphertext = ciphertext,
        };
    }

    /// <summary>Decrypts the PKCS#8 DER private key; the caller zeroes the result after use.</summary>
    /// <exception cref="SigningException">The passphrase is wrong or the file was tampered with.</exception>
    public byte[] Decrypt(ReadOnlySpan<char> passphrase)
    {
        using var aeadKey = DeriveKey(passphrase, Salt, Limits);
        var plaintext = new byte[Ciphertext.Length - s_aead.TagSize];
        if (!s_aead.Decrypt(aeadKey, Nonce, AssociatedData(KeyId), Ciphertext, plaintext))
        {
            throw new SigningException($"wrong passphrase for key '{Name}' (or its key file was modified)");
        }

        return plaintext;
    }

    public byte[] ToBytes()
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("format", FormatName);
            w.WriteNumber("version", FormatVersion);
            w.WriteString("name", Name);
            w.WriteString("keyid", KeyId);
            w.WriteStartObject("key");
            w.WriteString("keytype", PublicKey.KeyType);
            w.WriteStartObject("keyval");
            w.WriteString("public", PublicKey.Public);
            w.WriteEndObject();
            w.WriteString("scheme", PublicKey.Scheme);
            w.WriteEndObject();

            w.WriteStartObject("kdf");
            w.WriteString("algorithm", "argon2id");
            w.WriteNumber("opslimit", Limits.OpsLimit);
            w.WriteNumber("memlimit", Limits.MemLimit);
            w.WriteString("salt", Convert.ToHexStringLower(Salt));
            w.WriteEndObject();
            w.WriteStartObject("cipher");
            w.WriteString("algorithm", "xchacha20-poly1305");
            w.WriteString("nonce", Convert.ToHexStringLower(Nonce));
            w.WriteString("ciphertext", Convert.ToBase64String(Ciphertext));
            w.WriteEndObject();
            w.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a key file strictly.</summary>
    /// <exception cref="SigningException">The file is not a valid key file of a known version.</exception>
    public static KeyFile Parse(ReadOnlySpan<byte> data, string source)
    {
        if (data.Length > MaxFileBytes)
        {
            throw new SigningException($"{source}: not a key file (too large)");
        }

        try
        {
            var reader = new Utf8JsonReader(data, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 8 });
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (Str(root, "format") != FormatName)
            {
                throw new SigningException($"{source}: not a tuf-net key file");
            }

            if (!root.GetProperty("version").TryGetInt32(out int version) || version != FormatVersion)
            {
                throw new SigningException($"{source}: unsupported key file version (this tuf reads version {FormatVersion})");
            }

            var kdf = root.GetProperty("kdf");
            var cipher = root.GetProperty("cipher");
            if (Str(kdf, "algorithm") != "argon2id" || Str(cipher, "algorithm") != "xchacha20-poly1305")
            {
                throw new SigningException($"{source}: unsupported key file algorithms");
            }

            var limits = new KdfLimits(kdf.GetProperty("opslimit").GetUInt64(), kdf.GetProperty("memlimit").GetUInt64());
            if (limits.OpsLimit < KdfLimits.Minimum.OpsLimit || limits.OpsLimit > KdfLimits.ReadMaximum.OpsLimit
                || limits.MemLimit < KdfLimits.Minimum.MemLimit || limits.MemLimit > KdfLimits.ReadMaximum.MemLimit)
            {
                throw new SigningException($"{source}: key file Argon2id limits out of range");
            }

            var salt = Convert.FromHexString(Str(kdf, "salt"));
            var nonce = Convert.FromHexString(Str(cipher, "nonce"));
            var ciphertext = Convert.FromBase64String(Str(cipher, "ciphertext"));
            if (salt.Length != SaltBytes || nonce.Length != NonceBytes || ciphertext.Length <= s_aead.TagSize)
            {
                throw new SigningException($"{source}: malformed key file");
            }

            var key = PublicKeys.FromJson(root.GetProperty("key"));
            string keyId = Str(root, "keyid");
            if (key.ComputeKeyId() != keyId)
            {
                throw new SigningException($"{source}: key file keyid does not match its public key");
            }

            return new KeyFile
            {
                Name = Str(root, "name"), PublicKey = key, KeyId = keyId, Limits = limits, Salt = salt, Nonce = nonce, Ciphertext = ciphertext,
            };
        }
        catch (Exception ex) when (ex is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or TufException and not SigningException)
        {
            throw new SigningException($"{source}: malformed key file", ex);
        }
    }

    private static string Str(JsonElement e, string name) =>
        e.GetProperty(name).GetString() ?? throw new FormatException(name + " must be a string");

    private static byte[] AssociatedData(string keyId) => Encoding.UTF8.GetBytes("tuf-net-key/1:" + keyId);

    /// <summary>The XChaCha20-Poly1305 key: Argon2id of the UTF-8 passphrase, as libsodium's <c>crypto_pwhash</c> derives it.</summary>
    private static NSec.Cryptography.Key DeriveKey(ReadOnlySpan<char> passphrase, ReadOnlySpan<byte> salt, KdfLimits limits)
    {
        byte[] password = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(passphrase.Length));
        int n = Encoding.UTF8.GetBytes(passphrase, password);
        Span<byte> keyBytes = stackalloc byte[s_aead.KeySize];
        try
        {
            DeriveKeyBytes(password.AsSpan(0, n), salt, limits, keyBytes);
            return NSec.Cryptography.Key.Import(s_aead, keyBytes, KeyBlobFormat.RawSymmetricKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyBytes);
            CryptographicOperations.ZeroMemory(password.AsSpan(0, n));
            ArrayPool<byte>.Shared.Return(password);
        }
    }

    /// <summary>
    /// Argon2id version 0x13 with one lane, <c>opslimit</c> passes and <c>memlimit</c> bytes of memory: what
    /// libsodium's <c>crypto_pwhash(..., crypto_pwhash_ALG_ARGON2ID13)</c> computes, so key files written by the
    /// earlier libsodium layer open unchanged.
    /// </summary>
    internal static void DeriveKeyBytes(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, KdfLimits limits, Span<byte> output)
    {
        var argon2id = PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
        {
            DegreeOfParallelism = 1,
            MemorySize = (long)(limits.MemLimit / 1024),
            NumberOfPasses = (long)limits.OpsLimit,
        });
        argon2id.DeriveBytes(password, salt, output);
    }
}
