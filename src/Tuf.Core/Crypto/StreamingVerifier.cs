using System.Security.Cryptography;
using Tuf.Internal;

namespace Tuf;

/// <summary>
/// Checks bytes that arrive in pieces against a signed length and every listed hash (sha256, sha384, sha512, compared
/// in constant time): the one streaming verifier for downloaded targets and files on disk. It refuses a byte past the
/// signed length as it arrives, whatever the source: a stream that does not stop is cut off at the length.
/// </summary>
public sealed class StreamingVerifier : IDisposable
{
    private readonly List<(string Algorithm, string Expected, IncrementalHash Hash)> _hashes = [];
    private readonly string _what;
    private readonly long _expectedLength;

    /// <summary>Starts a check of <paramref name="expectedLength"/> bytes against <paramref name="expectedHashes"/>.</summary>
    /// <param name="what">What is checked, for messages (a target path or URL).</param>
    /// <param name="expectedLength">The signed length.</param>
    /// <param name="expectedHashes">The signed hashes (at least one).</param>
    /// <exception cref="LengthOrHashMismatchException">No hash is listed, or one of an unsupported algorithm.</exception>
    public StreamingVerifier(string what, long expectedLength, IDictionary<string, string> expectedHashes)
    {
        ArgumentNullException.ThrowIfNull(what);
        ArgumentNullException.ThrowIfNull(expectedHashes);
        _what = what;
        _expectedLength = expectedLength;
        foreach (var (algorithm, expected) in expectedHashes)
        {
            if (!Digests.TryGetAlgorithm(algorithm, out var name, out _))
            {
                Dispose();
                throw Digests.UnsupportedAlgorithm(what, algorithm);
            }

            _hashes.Add((algorithm, expected, IncrementalHash.CreateHash(name)));
        }

        if (_hashes.Count == 0)
        {
            throw new LengthOrHashMismatchException($"{ErrorText.Untrusted(what)}: no hashes listed");
        }
    }

    /// <summary>The number of bytes appended so far.</summary>
    public long Length { get; private set; }

    /// <summary>Creates a verifier for a target file's signed length and hashes.</summary>
    /// <param name="target">The trusted target description.</param>
    /// <returns>The verifier.</returns>
    public static StreamingVerifier For(TargetFile target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new StreamingVerifier(target.Path, target.Length, target.Hashes);
    }

    /// <summary>Adds the next piece.</summary>
    /// <param name="data">The bytes.</param>
    /// <exception cref="DownloadLengthExceededException">The bytes go past the signed length.</exception>
    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.Length > _expectedLength - Length)
        {
            throw new DownloadLengthExceededException(_what, _expectedLength);
        }

        Length += data.Length;
        foreach (var (_, _, hash) in _hashes)
        {
            hash.AppendData(data);
        }
    }

    /// <summary>Throws unless exactly the signed length arrived and every hash matches.</summary>
    /// <exception cref="LengthOrHashMismatchException">A shorter length, or a hash that differs.</exception>
    public void Verify()
    {
        if (Length != _expectedLength)
        {
            throw Digests.LengthMismatch(_what, _expectedLength, Length);
        }

        Span<byte> actual = stackalloc byte[64];
        foreach (var (algorithm, expected, hash) in _hashes)
        {
            int written = hash.GetHashAndReset(actual);
            Digests.CheckDigest(_what, algorithm, expected, actual[..written]);
        }
    }

    /// <summary>Whether the file at <paramref name="path"/> is exactly <paramref name="target"/>; false on any mismatch or read error.</summary>
    /// <param name="path">A local file.</param>
    /// <param name="target">The trusted target description.</param>
    /// <returns><see langword="true"/> when length and every hash match.</returns>
    public static bool FileMatches(string path, TargetFile target)
    {
        ArgumentNullException.ThrowIfNull(target);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            if (stream.Length != target.Length)
            {
                return false;
            }

            using var verifier = For(target);
            var buffer = new byte[Math.Min(1 << 20, Math.Max(1, target.Length))];
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                verifier.Append(buffer.AsSpan(0, read));
            }

            verifier.Verify();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or TufException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var (_, _, hash) in _hashes)
        {
            hash.Dispose();
        }

        _hashes.Clear();
    }
}
