using System.Buffers;
using System.Security.Cryptography;

namespace Tuf;

/// <summary>Length and hash checks for downloaded bytes (sha256, sha384, sha512), compared in constant time.</summary>
internal static class Digests
{
    private const int StreamBufferSize = 256 * 1024;

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

    /// <summary>
    /// Reads <paramref name="stream"/> to its end, hashing it with every listed algorithm, and returns the finished
    /// hasher (call <see cref="MultiHasher.Verify"/> on it). Reading stops with
    /// <see cref="DownloadLengthExceededException"/> as soon as more than <paramref name="maxLength"/> bytes arrive.
    /// </summary>
    /// <param name="stream">The bytes to hash.</param>
    /// <param name="maxLength">The most bytes accepted.</param>
    /// <param name="algorithms">Hash algorithm names as metadata lists them (unsupported names make <see cref="MultiHasher.Verify"/> fail).</param>
    /// <param name="what">What is being read, for the error message (e.g. a URL or target path).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="DownloadLengthExceededException">The stream is longer than <paramref name="maxLength"/>.</exception>
    public static async Task<MultiHasher> HashStreamAsync(Stream stream, long maxLength, IEnumerable<string> algorithms, string what, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        var hasher = new MultiHasher(algorithms);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(StreamBufferSize);
        try
        {
            while (true)
            {
                // Ask for at most one byte past the limit so an oversized stream is detected without reading it all.
                long room = maxLength - hasher.Length + 1;
                int want = (int)Math.Min(buffer.Length, room);
                int read = await stream.ReadAsync(buffer.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return hasher;
                }

                if (hasher.Length + read > maxLength)
                {
                    throw new DownloadLengthExceededException(what, maxLength);
                }

                hasher.Append(buffer.AsSpan(0, read));
            }
        }
        catch
        {
            hasher.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
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

    internal static LengthOrHashMismatchException LengthMismatch(string what, long expected, long actual) =>
        new($"{ErrorText.Untrusted(what)}: expected length {expected}, got {actual}");

    internal static LengthOrHashMismatchException UnsupportedAlgorithm(string what, string algorithm) =>
        new($"{ErrorText.Untrusted(what)}: unsupported hash algorithm {ErrorText.Untrusted(algorithm)}");
}
