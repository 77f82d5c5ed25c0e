using System.Security.Cryptography;
using Tuf.Internal;

namespace Tuf;

/// <summary>Length and hash checks for downloaded bytes (sha256, sha384, sha512), compared in constant time.</summary>
public static class Digests
{
    /// <summary>
    /// Throws <see cref="LengthOrHashMismatchException"/> when <paramref name="data"/> differs from the expected
    /// length (when given) or from any listed hash. An unsupported hash algorithm is a mismatch.
    /// </summary>
    public static void Verify(ReadOnlySpan<byte> data, long? expectedLength, IDictionary<string, string>? expectedHashes, string what)
    {
        if (expectedLength is long length && data.Length != length)
        {
            throw LengthMismatch(what, length, data.Length);
        }

        if (expectedHashes is null)
        {
            return;
        }

        Span<byte> actual = stackalloc byte[64];
        foreach (var (algorithm, expectedHex) in expectedHashes)
        {
            if (!TryGetAlgorithm(algorithm, out var name, out int size))
            {
                throw UnsupportedAlgorithm(what, algorithm);
            }

            var digest = actual[..size];
            CryptographicOperations.HashData(name, data, digest);
            CheckDigest(what, algorithm, expectedHex, digest);
        }
    }

    /// <summary>Maps a TUF hash algorithm name to .NET's; false for anything else.</summary>
    internal static bool TryGetAlgorithm(string? algorithm, out HashAlgorithmName name, out int size)
    {
        switch (algorithm)
        {
            case "sha256":
                (name, size) = (HashAlgorithmName.SHA256, 32);
                return true;
            case "sha384":
                (name, size) = (HashAlgorithmName.SHA384, 48);
                return true;
            case "sha512":
                (name, size) = (HashAlgorithmName.SHA512, 64);
                return true;
            default:
                (name, size) = (default, 0);
                return false;
        }
    }

    /// <summary>Compares a computed digest with the expected hex in constant time; throws on mismatch.</summary>
    internal static void CheckDigest(string what, string algorithm, string? expectedHex, ReadOnlySpan<byte> actual)
    {
        Span<byte> expected = stackalloc byte[64];
        bool decoded = expectedHex is not null && expectedHex.Length == actual.Length * 2
            && Hex.TryDecode(expectedHex, expected[..actual.Length]);

        // FixedTimeEquals on equal lengths; a malformed expected value is a mismatch too.
        if (!decoded | !CryptographicOperations.FixedTimeEquals(expected[..actual.Length], actual))
        {
            throw new LengthOrHashMismatchException(
                $"{ErrorText.Untrusted(what)}: {ErrorText.Untrusted(algorithm)} hash mismatch: expected {ErrorText.Untrusted(expectedHex)}, got {Convert.ToHexStringLower(actual)}");
        }
    }

    /// <summary>The exception for data of <paramref name="actual"/> bytes where <paramref name="expected"/> were signed.</summary>
    /// <param name="what">What was checked (a file name or URL; escaped in the message).</param>
    /// <param name="expected">The signed length.</param>
    /// <param name="actual">The length received.</param>
    /// <returns>The exception, to throw.</returns>
    public static LengthOrHashMismatchException LengthMismatch(string what, long expected, long actual) =>
        new($"{ErrorText.Untrusted(what)}: expected length {expected}, got {actual}");

    internal static LengthOrHashMismatchException UnsupportedAlgorithm(string what, string algorithm) =>
        new($"{ErrorText.Untrusted(what)}: unsupported hash algorithm {ErrorText.Untrusted(algorithm)}");
}
