using System.Buffers;
using System.Security.Cryptography;

namespace Tuf.Signing;

/// <summary>Hashes a target file with SHA-256 and SHA-512 in one streaming pass, copying it into the staging area.</summary>
internal static class TargetHasher
{
    private const int SmallFile = 1 << 20;

    /// <summary>The length and hashes of a copied target.</summary>
    public readonly record struct Result(long Length, string Sha256, string Sha512);

    /// <summary>
    /// Reads <paramref name="source"/> once, computing both hashes, and stores the content as
    /// <c>blobDir/SHA256</c> (content-addressed, so the same content is stored once).
    /// </summary>
    public static Result CopyToBlob(string source, string blobDir, CancellationToken cancellationToken)
    {
        using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        long length = input.Length;
        if (length <= SmallFile)
        {
            // Small files: one read, both hashes over the buffer, one write to a temp name renamed to the hash.
            byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(length, 1));
            try
            {
                int read = ReadFully(input, buffer.AsSpan(0, (int)length));
                var data = buffer.AsSpan(0, read);
                string sha256 = Convert.ToHexStringLower(SHA256.HashData(data));
                string sha512 = Convert.ToHexStringLower(SHA512.HashData(data));
                string smallTemp = Path.Combine(blobDir, "." + Guid.NewGuid().ToString("N") + ".tmp");
                using (var handle = File.OpenHandle(smallTemp, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite))
                {
                    RandomAccess.Write(handle, data, 0);
                }

                File.Move(smallTemp, Path.Combine(blobDir, sha256), overwrite: true);
                return new Result(read, sha256, sha512);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        string temp = Path.Combine(blobDir, "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using var h256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var h512 = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
            long total = 0;
            using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
            {
                byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
                try
                {
                    int n;
                    while ((n = input.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        h256.AppendData(buffer, 0, n);
                        h512.AppendData(buffer, 0, n);
                        output.Write(buffer, 0, n);
                        total += n;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

            }

            string sha256 = Convert.ToHexStringLower(h256.GetHashAndReset());
            string sha512 = Convert.ToHexStringLower(h512.GetHashAndReset());
            File.Move(temp, Path.Combine(blobDir, sha256), overwrite: true);
            return new Result(total, sha256, sha512);
        }
        finally
        {
            AtomicFile.TryDelete(temp);
        }
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
