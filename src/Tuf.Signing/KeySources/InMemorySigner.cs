namespace Tuf.Signing;

/// <summary>An <see cref="ISigner"/> over a private key held in memory (unlocked from the key store or imported).</summary>
internal sealed class InMemorySigner : ISigner, IDisposable
{
    private readonly SigningKey _key;

    public InMemorySigner(SigningKey key) => _key = key;

    public Key PublicKey => _key.PublicKey;

    public string KeyId => _key.KeyId;

    public static InMemorySigner Generate(SigningKeyType type) => new(type switch
    {
        SigningKeyType.Ed25519 => SigningKey.GenerateEd25519(),
        SigningKeyType.EcdsaP256 => SigningKey.GenerateEcdsaP256(),
        SigningKeyType.Rsa3072 => SigningKey.GenerateRsa3072(),
        SigningKeyType.MLDsa44 => SigningKey.GenerateMLDsa("ml-dsa-44/1"),
        SigningKeyType.MLDsa65 => SigningKey.GenerateMLDsa("ml-dsa-65/1"),
        SigningKeyType.MLDsa87 => SigningKey.GenerateMLDsa("ml-dsa-87/1"),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    });

    /// <summary>Reads a PEM private key (PKCS#8, or the PKCS#1/SEC1 forms older tools write).</summary>
    /// <exception cref="SigningException">Not a private key of a supported type.</exception>
    public static InMemorySigner FromPem(string pem, string source)
    {
        try
        {
            return new InMemorySigner(SigningKey.FromPkcs8Pem(pem));
        }
        catch (Exception ex) when (ex is not SigningException and not OutOfMemoryException)
        {
            throw new SigningException($"{source}: not a supported private key (ed25519, ECDSA P-256 or RSA, PEM): {ex.Message}", ex);
        }
    }

    public static InMemorySigner FromPkcs8(ReadOnlySpan<byte> der, string source)
    {
        try
        {
            return new InMemorySigner(SigningKey.FromPkcs8(der));
        }
        catch (ArgumentException ex)
        {
            throw new SigningException($"{source}: not a supported private key: {ex.Message}", ex);
        }
    }

    public byte[] ExportPkcs8() => _key.ExportPkcs8();

    public Task<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_key.Sign(data.Span));
    }

    public void Dispose() => _key.Dispose();
}
