using System.Security.Cryptography;

namespace Tuf.Client;

/// <summary>Streams a target through the hash algorithms its metadata lists and checks length and digests
/// (constant-time comparison). Unsupported algorithms fail the check.</summary>
internal sealed class TargetHashing : IDisposable
{
    private readonly List<(string Name, IncrementalHash Hash, string Expected)> _hashes = [];
    private readonly TargetFile _info;
    private long _length;

    public TargetHashing(TargetFile info)
    {
        _info = info;
        foreach (var (name, expected) in info.Hashes)
        {
            HashAlgorithmName? algorithm = name switch
            {
                "sha256" => HashAlgorithmName.SHA256,
                "sha384" => HashAlgorithmName.SHA384,
                "sha512" => HashAlgorithmName.SHA512,
                _ => null,
            };
            if (algorithm is null)
            {
                Dispose();
                throw new LengthOrHashMismatchException($"{ErrorText.Untrusted(info.Path)}: unsupported hash algorithm {ErrorText.Untrusted(name)}");
            }

            _hashes.Add((name, IncrementalHash.CreateHash(algorithm.Value), expected));
        }

        if (_hashes.Count == 0)
        {
            throw new LengthOrHashMismatchException($"{ErrorText.Untrusted(info.Path)}: no hashes listed");
        }
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        _length += data.Length;
        foreach (var h in _hashes)
        {
            h.Hash.AppendData(data);
        }
    }

    /// <summary>Throws <see cref="LengthOrHashMismatchException"/> unless the appended bytes match.</summary>
    public void Verify()
    {
        if (_length != _info.Length)
        {
            throw new LengthOrHashMismatchException($"{ErrorText.Untrusted(_info.Path)}: length {_length} is not the expected {_info.Length}");
        }

        Span<byte> actual = stackalloc byte[64];
        foreach (var (name, hash, expected) in _hashes)
        {
            int written = hash.GetHashAndReset(actual);
            byte[] expectedBytes;
            try
            {
                expectedBytes = Convert.FromHexString(expected);
            }
            catch (FormatException)
            {
                throw new LengthOrHashMismatchException($"{ErrorText.Untrusted(_info.Path)}: {name} hash is not hex");
            }

            if (!CryptographicOperations.FixedTimeEquals(actual[..written], expectedBytes))
            {
                throw new LengthOrHashMismatchException($"{ErrorText.Untrusted(_info.Path)}: {name} hash does not match");
            }
        }
    }

    /// <summary>Checks a local file; false on any mismatch or read error.</summary>
    public static bool FileMatches(string path, TargetFile info)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            if (stream.Length != info.Length)
            {
                return false;
            }

            using var hashing = new TargetHashing(info);
            var buffer = new byte[Math.Min(1 << 20, Math.Max(1, info.Length))];
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                hashing.Append(buffer.AsSpan(0, read));
            }

            hashing.Verify();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or TufException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        foreach (var h in _hashes)
        {
            h.Hash.Dispose();
        }

        _hashes.Clear();
    }
}
