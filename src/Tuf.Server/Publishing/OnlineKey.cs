namespace Tuf.Server.Publishing;

/// <summary>
/// A server-held online key (timestamp or snapshot): Ed25519 (the TUF default scheme every client supports; its
/// hex public value also keeps metadata free of multi-line PEM strings), through Core's <see cref="SigningKey"/>.
/// </summary>
internal sealed class OnlineKey : IDisposable
{
    private readonly SigningKey _key;

    private OnlineKey(SigningKey key)
    {
        _key = key;
        PublicKey = key.PublicKey;
        KeyId = key.KeyId;
    }

    /// <summary>The public key as it appears in root metadata.</summary>
    public Key PublicKey { get; }

    /// <summary>The key ID.</summary>
    public string KeyId { get; }

    /// <summary>Generates a new key: Ed25519, or ECDSA P-256 (Notary's default key type) when <paramref name="ecdsa"/> is set.</summary>
    public static OnlineKey Generate(bool ecdsa = false) => new(ecdsa ? SigningKey.GenerateEcdsaP256() : SigningKey.GenerateEd25519());

    /// <summary>Imports a PKCS#8 private key.</summary>
    public static OnlineKey FromPkcs8(ReadOnlySpan<byte> pkcs8) => new(SigningKey.FromPkcs8(pkcs8));

    /// <summary>The private key as PKCS#8 (to be sealed at once).</summary>
    public byte[] ExportPkcs8() => _key.ExportPkcs8();

    /// <summary>Signs canonical bytes.</summary>
    public Signature Sign(ReadOnlySpan<byte> data) => new(KeyId, Convert.ToHexStringLower(_key.Sign(data)));

    /// <summary>
    /// Signs bytes as Notary expects (its envelope base64-encodes the result): Ed25519's 64 bytes, or for ECDSA the
    /// raw r||s over SHA-256 (TUF 1.0 signs ECDSA in DER; Notary does not).
    /// </summary>
    public byte[] SignForNotary(ReadOnlySpan<byte> data)
    {
        byte[] signature = _key.Sign(data);
        return PublicKey.KeyType == "ecdsa" ? Notary.NotaryDialect.DerToRawEcdsa(signature, 32) : signature;
    }

    /// <inheritdoc/>
    public void Dispose() => _key.Dispose();
}
