namespace Tuf;

/// <summary>The <c>ed25519</c> scheme: key type <c>ed25519</c>, a 32-byte public key as 64 hex characters, 64-byte signatures (NSec).</summary>
internal sealed class Ed25519Scheme : ISignatureScheme
{
    /// <summary>The scheme and key type name.</summary>
    public const string SchemeName = "ed25519";

    /// <inheritdoc />
    public string Name => SchemeName;

    /// <inheritdoc />
    public PublicKeyVerifier? TryParse(string keyType, string publicValue)
    {
        if (keyType != SchemeName || publicValue.Length != Ed25519.PublicKeyBytes * 2
            || !Hex.TryDecode(publicValue, out var raw) || Ed25519.TryImportPublicKey(raw) is not { } publicKey)
        {
            return null;
        }

        return new Verifier(publicKey, raw);
    }

    private sealed class Verifier(NSec.Cryptography.PublicKey publicKey, byte[] raw) : PublicKeyVerifier("ed25519:" + Convert.ToHexStringLower(raw))
    {
        public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
            => Ed25519.Verify(publicKey, data, signature);
    }
}
