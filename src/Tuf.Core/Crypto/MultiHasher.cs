using System.Security.Cryptography;

namespace Tuf;

/// <summary>
/// Hashes a stream of chunks with several algorithms at once (one <see cref="IncrementalHash"/> each) and counts its
/// length, so a large target is checked against its metadata without holding it in memory.
/// </summary>
internal sealed class MultiHasher : IDisposable
{
    private readonly List<(string Algorithm, IncrementalHash? Hash, int Size)> _hashes = [];
    private Dictionary<string, byte[]>? _digests;

    /// <summary>Creates a hasher for the listed algorithm names; unsupported names are kept and fail <see cref="Verify"/>.</summary>
    public MultiHasher(IEnumerable<string> algorithms)
    {
        ArgumentNullException.ThrowIfNull(algorithms);
        foreach (var algorithm in algorithms.Distinct(StringComparer.Ordinal))
        {
            _hashes.Add(Digests.TryGetAlgorithm(algorithm, out var name, out int size)
                ? (algorithm, IncrementalHash.CreateHash(name), size)
                : (algorithm, null, 0));
        }
    }

    /// <summary>The number of bytes appended so far.</summary>
    public long Length { get; private set; }

    /// <summary>Adds the next chunk.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        if (_digests is not null)
        {
            throw new InvalidOperationException("The hasher is finished");
        }

        foreach (var (_, hash, _) in _hashes)
        {
            hash?.AppendData(data);
        }

        Length += data.Length;
    }

    /// <summary>Finishes hashing (further appends fail) and returns the digests of the supported algorithms.</summary>
    public IReadOnlyDictionary<string, byte[]> GetDigests()
    {
        if (_digests is null)
        {
            var digests = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var (algorithm, hash, _) in _hashes)
            {
                if (hash is not null)
                {
                    digests[algorithm] = hash.GetHashAndReset();
                }
            }

            _digests = digests;
        }

        return _digests;
    }

    /// <summary>
    /// Same semantics as <see cref="Digests.Verify"/>: throws <see cref="LengthOrHashMismatchException"/> when the length
    /// differs from <paramref name="expectedLength"/> (when given) or any listed hash differs or is unsupported. Every
    /// listed algorithm must have been passed to the constructor.
    /// </summary>
    public void Verify(long? expectedLength, IDictionary<string, string>? expectedHashes, string what)
    {
        if (expectedLength is long length && Length != length)
        {
            throw Digests.LengthMismatch(what, length, Length);
        }

        if (expectedHashes is null)
        {
            return;
        }

        var digests = GetDigests();
        foreach (var (algorithm, expectedHex) in expectedHashes)
        {
            if (!digests.TryGetValue(algorithm, out var actual))
            {
                if (Digests.TryGetAlgorithm(algorithm, out _, out _))
                {
                    throw new InvalidOperationException($"{algorithm} was not hashed: pass it to the MultiHasher constructor");
                }

                throw Digests.UnsupportedAlgorithm(what, algorithm);
            }

            Digests.CheckDigest(what, algorithm, expectedHex, actual);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (_, hash, _) in _hashes)
        {
            hash?.Dispose();
        }
    }
}
