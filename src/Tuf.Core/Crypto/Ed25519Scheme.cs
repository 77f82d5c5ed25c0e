namespace Tuf;

/// <summary>The <c>ed25519</c> scheme: key type <c>ed25519</c>, a 32-byte public key as 64 hex characters, 64-byte signatures (libsodium).</summary>
internal sealed class Ed25519Scheme : ISignatureScheme
{
    /// <summary>The scheme and key type name.</summary>
    public const string SchemeName = "ed25519";

    /// <inheritdoc />
    public string Name => SchemeName;

    /// <inheritdoc />
    public PublicKeyVerifier? TryParse(string keyType, string publicValue)
    {
        if (keyType != SchemeName || publicValue.Length != Sodium.Ed25519PublicKeyBytes * 2
            || !Hex.TryDecode(publicValue, out var publicKey))
        {
            return null;
        }

        return new Verifier(publicKey);
    }

    private sealed class Verifier(byte[] publicKey) : PublicKeyVerifier("ed25519:" + Convert.ToHexStringLower(publicKey))
    {
        public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
            => Sodium.Ed25519Verify(signature, data, publicKey);
    }
}
