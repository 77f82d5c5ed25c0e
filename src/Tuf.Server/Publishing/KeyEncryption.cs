using System.Security.Cryptography;
using System.Text;

namespace Tuf.Server.Publishing;

/// <summary>
/// Seals server-held private keys under the key-encryption key (AES-256-GCM, random 96-bit nonce, the key's
/// collection/role/key ID as associated data so a sealed key cannot be moved to another collection).
/// Layout: <c>0x01 || nonce(12) || ciphertext || tag(16)</c>.
/// </summary>
internal sealed class KeyEncryption
{
    private const byte FormatVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _kek;

    /// <summary>Uses a 32-byte key-encryption key.</summary>
    public KeyEncryption(byte[] keyEncryptionKey)
    {
        ArgumentNullException.ThrowIfNull(keyEncryptionKey);
        if (keyEncryptionKey.Length != 32)
        {
            throw new ArgumentException("The key-encryption key must be 32 bytes.", nameof(keyEncryptionKey));
        }

        _kek = (byte[])keyEncryptionKey.Clone();
    }

    /// <summary>A 32-byte key for another purpose, derived from the key-encryption key (HKDF-SHA256), the same on every replica.</summary>
    public byte[] DeriveKey(string purpose) =>
        System.Security.Cryptography.HKDF.DeriveKey(System.Security.Cryptography.HashAlgorithmName.SHA256, _kek, 32, info: System.Text.Encoding.UTF8.GetBytes(purpose));

    /// <summary>Encrypts a private key.</summary>
    public byte[] Seal(ReadOnlySpan<byte> plaintext, string gun, string role, string keyId)
    {
        var output = new byte[1 + NonceSize + plaintext.Length + TagSize];
        output[0] = FormatVersion;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_kek, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(1 + NonceSize, plaintext.Length), output.AsSpan(1 + NonceSize + plaintext.Length), Aad(gun, role, keyId));
        return output;
    }

    /// <summary>Decrypts a private key.</summary>
    /// <exception cref="CryptographicException">Wrong key-encryption key, or the sealed bytes were altered or moved.</exception>
    public byte[] Open(ReadOnlySpan<byte> sealedKey, string gun, string role, string keyId)
    {
        if (sealedKey.Length < 1 + NonceSize + TagSize || sealedKey[0] != FormatVersion)
        {
            throw new CryptographicException("Sealed key has an unknown format.");
        }

        var length = sealedKey.Length - 1 - NonceSize - TagSize;
        var plaintext = new byte[length];
        using var aes = new AesGcm(_kek, TagSize);
        aes.Decrypt(sealedKey.Slice(1, NonceSize), sealedKey.Slice(1 + NonceSize, length), sealedKey[^TagSize..], plaintext, Aad(gun, role, keyId));
        return plaintext;
    }

    private static byte[] Aad(string gun, string role, string keyId) => Encoding.UTF8.GetBytes($"tuf-server-key\0{gun}\0{role}\0{keyId}");
}
