using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using Tuf.Internal;

namespace Tuf.Signing;

/// <summary>
/// Reads target files: at <c>add</c> it hashes a file in place (SHA-256 and SHA-512 in one pass, no copy); at
/// <c>commit</c> it streams the same file into <c>targets/</c>, re-hashing what it writes and refusing when the
/// content is no longer what was hashed, so the bytes published are the bytes listed in the metadata.
/// </summary>
internal static class TargetHasher
{
    private const int SmallFile = 1 << 20;
    private const int ChunkSize = 1 << 16;

    /// <summary>The length, hashes and last write time (UTC ticks) of a hashed target file, and its identity where known.</summary>
    public readonly record struct Result(long Length, string Sha256, string Sha512, long LastWriteTicks)
    {
        /// <summary>The file's identity when it was read (Linux), for commit's unchanged-since-add check.</summary>
        public FileIdentity? Identity { get; init; }
    }

    /// <summary>Reads <paramref name="source"/> once and computes its SHA-256 and SHA-512.</summary>
    public static Result Hash(string source, CancellationToken cancellationToken)
    {
        if (PosixFile.Supported && TryHashSmall(source) is { } quick)
        {
            return quick;
        }

        using var handle = File.OpenHandle(source, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        long ticks = File.GetLastWriteTimeUtc(handle).Ticks;
        long length = RandomAccess.GetLength(handle);
        if (length <= SmallFile)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(length, 1));
            try
            {
                int read = ReadFully(handle, buffer.AsSpan(0, (int)length), 0);
                var data = buffer.AsSpan(0, read);
                var (sha256, sha512) = HashBoth(data);
                return new Result(read, sha256, sha512, ticks);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        using var h256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var h512 = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long total = 0;
            int n;
            while ((n = RandomAccess.Read(handle, chunk.AsSpan(0, ChunkSize), total)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                h256.AppendData(chunk, 0, n);
                h512.AppendData(chunk, 0, n);
                total += n;
            }

            return new Result(total, Convert.ToHexStringLower(h256.GetHashAndReset()), Convert.ToHexStringLower(h512.GetHashAndReset()), ticks);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="destination"/>, checking that its length and SHA-256 are
    /// <paramref name="length"/> and <paramref name="sha256"/>. When <paramref name="direct"/> (a content-addressed
    /// name that no published metadata references yet) a new file is written in place with one open and one write;
    /// otherwise, or when the name exists, through a temporary file renamed over it. Nothing is left at
    /// <paramref name="destination"/> when the content differs.
    /// </summary>
    /// <returns>Whether a file was created at <paramref name="destination"/> (false when one was replaced).</returns>
    /// <exception cref="SigningException">The source's content is not what was hashed.</exception>
    public static bool CopyVerified(string source, long length, string sha256, string destination, bool direct, CancellationToken cancellationToken)
    {
        if (PosixFile.Supported && length <= SmallFile && direct && TryCopySmall(source, length, sha256, destination) is { } created)
        {
            return created;
        }

        using var input = OpenSource(source);
        long actualLength = RandomAccess.GetLength(input);
        if (actualLength != length)
        {
            throw Changed(source, $"its length is now {actualLength}, not {length}");
        }

        if (length <= SmallFile)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(length, 1));
            try
            {
                int read = ReadFully(input, buffer.AsSpan(0, (int)length), 0);
                var data = buffer.AsSpan(0, read);
                if (read != length || !HashMatches(SHA256.HashData(data), sha256))
                {
                    throw Changed(source, "its content no longer matches the hashes recorded by 'tuf repo add'");
                }

                if (direct)
                {
                    try
                    {
                        using var output = File.OpenHandle(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                        RandomAccess.Write(output, data, 0);
                        return true;
                    }
                    catch (IOException) when (File.Exists(destination))
                    {
                        // A leftover (e.g. of an interrupted commit): replace it atomically below.
                    }
                }

                string temp = TempName(destination);
                try
                {
                    using (var output = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                    {
                        RandomAccess.Write(output, data, 0);
                    }

                    File.Move(temp, destination, overwrite: true);
                    return false;
                }
                catch
                {
                    DurableFile.TryDelete(temp);
                    throw;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        // Large files: stream into a temporary file while hashing, and rename it only once the hash matched.
        string largeTemp = TempName(destination);
        try
        {
            using var h256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
            long total = 0;
            try
            {
                using var output = File.OpenHandle(largeTemp, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, preallocationSize: length);
                int n;
                while ((n = RandomAccess.Read(input, chunk.AsSpan(0, ChunkSize), total)) > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    h256.AppendData(chunk, 0, n);
                    RandomAccess.Write(output, chunk.AsSpan(0, n), total);
                    total += n;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }

            if (total != length || !HashMatches(h256.GetHashAndReset(), sha256))
            {
                throw Changed(source, "its content no longer matches the hashes recorded by 'tuf repo add'");
            }

            bool existed = File.Exists(destination);
            File.Move(largeTemp, destination, overwrite: true);
            return !existed;
        }
        finally
        {
            DurableFile.TryDelete(largeTemp);
        }
    }

    /// <summary>
    /// The small-file path of <see cref="Hash"/> with raw system calls: open, statx, one read, close. The identity is
    /// taken before the read, so a write during or after it changes what <c>commit</c> sees and is refused there. Null
    /// when the file is large or not regular, or any call fails (the managed path then reads it or reports the error).
    /// </summary>
    private static Result? TryHashSmall(string source)
    {
        int fd = PosixFile.OpenRead(source);
        if (fd < 0)
        {
            return null;
        }

        try
        {
            if (!PosixFile.TryStat(fd, out var identity) || !identity.IsRegularFile || identity.Size > SmallFile)
            {
                return null;
            }

            int length = (int)identity.Size;
            byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
            try
            {
                var data = buffer.AsSpan(0, length);
                if (length > 0 && PosixFile.ReadFully(fd, data) != length)
                {
                    return null; // Shrunk while being read (or an error): the managed path reads it again.
                }

                var (sha256, sha512) = HashBoth(data);
                return new Result(length, sha256, sha512, identity.LastWriteTicks) { Identity = identity };
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        finally
        {
            _ = PosixFile.Close(fd);
        }
    }

    /// <summary>
    /// The small-file path of <see cref="CopyVerified"/> with raw system calls: open, read, close the source; create,
    /// write, close the destination. Null when a call fails other than with "exists" (the managed path then runs and
    /// reports the error) or when the destination exists (the managed path replaces it atomically).
    /// </summary>
    private static bool? TryCopySmall(string source, long length, string sha256, string destination)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)length + 1);
        try
        {
            int read = PosixFile.ReadFile(source, buffer.AsSpan(0, (int)length + 1));
            if (read < 0)
            {
                return null;
            }

            if (read != length)
            {
                throw Changed(source, $"its length is now {(read > length ? "more than " + length : read)}, not {length}");
            }

            var data = buffer.AsSpan(0, read);
            if (!HashMatches(SHA256.HashData(data), sha256))
            {
                throw Changed(source, "its content no longer matches the hashes recorded by 'tuf repo add'");
            }

            int output = PosixFile.CreateNew(destination);
            if (output < 0)
            {
                return null;
            }

            bool written;
            try
            {
                written = PosixFile.WriteFully(output, data);
            }
            finally
            {
                _ = PosixFile.Close(output);
            }

            if (!written)
            {
                DurableFile.TryDelete(destination);
                throw new IOException($"cannot write {destination}");
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Hard-links <paramref name="source"/> as <paramref name="destination"/> (which must not exist), then checks the
    /// linked content's length and SHA-256, removing the link when they differ. False when the link cannot be made
    /// (another file system, an existing name, no support): the caller copies instead.
    /// </summary>
    /// <exception cref="SigningException">The content is not what was hashed.</exception>
    public static bool TryLinkVerified(string source, long length, string sha256, string destination)
    {
        if (!PosixFile.TryHardLink(source, destination))
        {
            return false;
        }

        VerifyLinked(source, length, sha256, destination);
        return true;
    }

    /// <summary>
    /// Hard-links <paramref name="source"/> as <paramref name="destination"/> (which must not exist). When the source
    /// is still exactly the file <c>add</c> hashed (the same <see cref="FileIdentity"/>: inode, size, modification and
    /// change times) its content is not read again: one <c>statx</c> before and one after linking, which must find
    /// that same inode under the new name (a file swapped in between is removed again and refused). Otherwise (it was
    /// touched, replaced or changed) the linked content is re-hashed and kept only when it is still what was hashed.
    /// False when the link cannot be made (another file system, an existing name): the caller copies instead.
    /// </summary>
    /// <exception cref="SigningException">The source is missing, or its content is not what was hashed.</exception>
    public static bool TryLinkUnchanged(string source, FileIdentity recorded, long length, string sha256, TargetDestination destination, DirectoryHandles directories)
    {
        var (sourceDir, sourceName) = directories.Resolve(source);
        if (!PosixFile.TryStatAt(sourceDir, sourceName, followLinks: true, out var current))
        {
            throw Changed(source, "it no longer exists or cannot be read");
        }

        var (targetDir, targetName) = destination.At;
        if (PosixFile.HardLinkAt(sourceDir, sourceName, targetDir, targetName) != 0)
        {
            return false;
        }

        if (!current.IsUnchangedFrom(recorded))
        {
            VerifyLinked(source, length, sha256, destination.FullPath);
        }
        else if (!PosixFile.TryStatAt(targetDir, targetName, followLinks: false, out var linked) || !linked.IsSameContentAs(recorded))
        {
            DurableFile.TryDelete(destination.FullPath);
            throw Changed(source, "it was replaced while being published");
        }

        return true;
    }

    /// <summary>
    /// The common case of <see cref="TryLinkUnchanged"/> with folder handles and encoded names, building no path: the
    /// source is still exactly the file <c>add</c> hashed, so it is linked, and the new name must be that same inode.
    /// False, having created nothing, whenever the general path must decide (the source is missing or changed, the
    /// name exists, a call failed): it then checks, links or copies again and reports errors.
    /// </summary>
    /// <remarks><paramref name="destination"/> (given <paramref name="state"/>) builds the new name's path, only to remove it when the source was swapped.</remarks>
    /// <exception cref="SigningException">The source was swapped for another file while being linked.</exception>
    public static bool TryLinkUnchangedAt<TState>(string source, int sourceDir, ReadOnlySpan<byte> sourceNameZ, FileIdentity recorded, int targetDir, ReadOnlySpan<byte> targetNameZ, Func<TState, string> destination, TState state)
    {
        if (!PosixFile.TryStatAt(sourceDir, sourceNameZ, followLinks: true, out var current)
            || !current.IsUnchangedFrom(recorded)
            || PosixFile.HardLinkAt(sourceDir, sourceNameZ, targetDir, targetNameZ) != 0)
        {
            return false;
        }

        if (!PosixFile.TryStatAt(targetDir, targetNameZ, followLinks: false, out var linked) || !linked.IsSameContentAs(recorded))
        {
            DurableFile.TryDelete(destination(state));
            throw Changed(source, "it was replaced while being published");
        }

        return true;
    }

    /// <summary>Checks the content just linked at <paramref name="destination"/>, removing the link when it is not what was hashed.</summary>
    private static void VerifyLinked(string source, long length, string sha256, string destination)
    {
        try
        {
            VerifyContent(source, destination, length, sha256);
        }
        catch
        {
            DurableFile.TryDelete(destination);
            throw;
        }
    }

    /// <summary>Reads <paramref name="path"/> (a name of <paramref name="source"/>'s content) and checks its length and SHA-256.</summary>
    /// <exception cref="SigningException">They differ.</exception>
    private static void VerifyContent(string source, string path, long length, string sha256)
    {
        if (PosixFile.Supported && length <= SmallFile && VerifySmall(source, path, length, sha256))
        {
            return;
        }

        using var handle = OpenSource(path);
        long actual = RandomAccess.GetLength(handle);
        if (actual != length)
        {
            throw Changed(source, $"its length is now {actual}, not {length}");
        }

        using var h256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] chunk = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(length, 1), ChunkSize));
        try
        {
            long total = 0;
            int n;
            while ((n = RandomAccess.Read(handle, chunk, total)) > 0)
            {
                h256.AppendData(chunk, 0, n);
                total += n;
            }

            if (total != length || !HashMatches(h256.GetHashAndReset(), sha256))
            {
                throw Changed(source, "its content no longer matches the hashes recorded by 'tuf repo add'");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>Reads a small linked file with raw calls and checks it; false when a call failed (the caller re-checks).</summary>
    private static bool VerifySmall(string source, string path, long length, string sha256)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)length + 1);
        try
        {
            int read = PosixFile.ReadFile(path, buffer.AsSpan(0, (int)length + 1));
            if (read < 0)
            {
                return false;
            }

            if (read != length || !HashMatches(SHA256.HashData(buffer.AsSpan(0, read)), sha256))
            {
                throw Changed(source, "its content no longer matches the hashes recorded by 'tuf repo add'");
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>SHA-256 and SHA-512 of <paramref name="data"/> as lowercase hex (digests on the stack: one string each, no arrays).</summary>
    private static (string Sha256, string Sha512) HashBoth(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[SHA512.HashSizeInBytes];
        SHA256.HashData(data, digest);
        string sha256 = Convert.ToHexStringLower(digest[..SHA256.HashSizeInBytes]);
        SHA512.HashData(data, digest);
        return (sha256, Convert.ToHexStringLower(digest));
    }

    private static SafeFileHandle OpenSource(string source)
    {
        try
        {
            return File.OpenHandle(source, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Changed(source, "it no longer exists");
        }
    }

    private static SigningException Changed(string source, string detail) =>
        new($"nothing committed: {source} changed since 'tuf repo add' ({detail}); add it again");

    private static string TempName(string destination) =>
        Path.Combine(Path.GetDirectoryName(destination)!, "." + Guid.NewGuid().ToString("N") + ".tmp");

    private static bool HashMatches(ReadOnlySpan<byte> actual, string expectedHex)
    {
        Span<byte> expected = stackalloc byte[64];
        if (expectedHex.Length != actual.Length * 2
            || !Convert.FromHexString(expectedHex, expected, out _, out int written).Equals(System.Buffers.OperationStatus.Done)
            || written != actual.Length)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(actual, expected[..written]);
    }

    private static int ReadFully(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
