namespace Tuf;

public sealed partial class Key
{
    /// <summary>
    /// Verifies <paramref name="signature"/> over <paramref name="data"/> with this key under its scheme.
    /// Never throws for bad input: an unknown scheme, a malformed key or a malformed signature is simply invalid.
    /// </summary>
    /// <param name="data">The signed bytes (canonical JSON of <c>signed</c>).</param>
    /// <param name="signature">The raw signature bytes (decoded from hex).</param>
    /// <returns><see langword="true"/> only for a valid signature.</returns>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) => throw new NotImplementedException();
}
