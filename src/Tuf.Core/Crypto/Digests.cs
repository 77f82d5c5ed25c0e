namespace Tuf;

/// <summary>Length and hash checks for downloaded bytes (sha256, sha512), compared in constant time.</summary>
internal static class Digests
{
    /// <summary>
    /// Throws <see cref="LengthOrHashMismatchException"/> when <paramref name="data"/> differs from the expected
    /// length (when given) or from any listed hash. An unsupported hash algorithm is a mismatch.
    /// </summary>
    public static void Verify(ReadOnlySpan<byte> data, long? expectedLength, IDictionary<string, string>? expectedHashes, string what)
        => throw new NotImplementedException();
}
