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

    /// <summary>Generates a new key.</summary>
    public static OnlineKey Generate() => new(SigningKey.GenerateEd25519());

    /// <summary>Imports a PKCS#8 private key.</summary>
    public static OnlineKey FromPkcs8(ReadOnlySpan<byte> pkcs8) => new(SigningKey.FromPkcs8(pkcs8));

    /// <summary>The private key as PKCS#8 (to be sealed at once).</summary>
    public byte[] ExportPkcs8() => _key.ExportPkcs8();

    /// <summary>Signs canonical bytes.</summary>
    public Signature Sign(ReadOnlySpan<byte> data) => new(KeyId, Convert.ToHexStringLower(_key.Sign(data)));

    /// <summary>Signs bytes and returns the raw signature (for Notary's envelope, which base64-encodes it).</summary>
    public byte[] SignRaw(ReadOnlySpan<byte> data) => _key.Sign(data);

    /// <inheritdoc/>
    public void Dispose() => _key.Dispose();
}
