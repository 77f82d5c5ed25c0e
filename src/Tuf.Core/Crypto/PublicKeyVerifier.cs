namespace Tuf;

/// <summary>A parsed, immutable public key that verifies signatures under one scheme. Safe for concurrent use.</summary>
internal abstract class PublicKeyVerifier
{
    /// <summary>Creates a verifier.</summary>
    /// <param name="identity">
    /// The physical key, independent of how metadata spells it (hex point or PEM, old or new key type), so that one key
    /// listed under two key IDs counts once toward a threshold.
    /// </param>
    protected PublicKeyVerifier(string identity) => Identity = identity;

    /// <summary>A normalized identity of the physical key (algorithm + public key bytes, hex).</summary>
    public string Identity { get; }

    /// <summary>Whether <paramref name="signature"/> is a valid signature of <paramref name="data"/>; never throws for bad input.</summary>
    public abstract bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature);
}
