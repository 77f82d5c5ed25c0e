namespace Tuf.Server.Storage;

/// <summary>A server-held online key. The private part is only ever stored encrypted.</summary>
/// <param name="Gun">Collection.</param>
/// <param name="Role">"timestamp" or "snapshot".</param>
/// <param name="KeyId">TUF key ID.</param>
/// <param name="PublicKeyJson">Canonical JSON of the public key object.</param>
/// <param name="EncryptedPrivateKey">AEAD ciphertext of the PKCS#8 private key.</param>
/// <param name="CreatedAt">Creation time; the newest key is the one handed out.</param>
internal sealed record ServerKeyRecord(string Gun, string Role, string KeyId, byte[] PublicKeyJson, byte[] EncryptedPrivateKey, DateTimeOffset CreatedAt);
