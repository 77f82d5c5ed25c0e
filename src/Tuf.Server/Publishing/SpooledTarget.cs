using System.Buffers;
using System.Security.Cryptography;

namespace Tuf.Server.Publishing;

/// <summary>
/// Target content from a publish, held in an unnamed temporary file rather than in memory: written once as the part
/// arrives (SHA-256 computed on the way), then read back as streams for verification and storage. Metadata parts
/// over 64 KiB pass through one too, so that they can be read into memory once their exact length is known. The file is removed
/// from its folder as soon as it is created (on Unix), so nothing is left behind even if the process dies.
/// </summary>
internal sealed class SpooledTarget : IDisposable
{
    private const int BufferSize = 64 * 1024;
    private readonly FileStream _file;

    private SpooledTarget(FileStream file, long length, string sha256)
    {
        _file = file;
        Length = length;
        Sha256 = sha256;
    }

    /// <summary>Bytes held.</summary>
    public long Length { get; }

    /// <summary>SHA-256 of the bytes, lowercase hex.</summary>
    public string Sha256 { get; }

    /// <summary>Copies <paramref name="source"/> into a new temporary file, refusing more than <paramref name="limit"/> bytes.</summary>
    /// <param name="source">The part's body.</param>
    /// <param name="limit">The most bytes accepted.</param>
    /// <param name="tooLarge">Makes the exception thrown past the limit.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    /// <returns>The spooled content.</returns>
    public static Task<SpooledTarget> CopyAsync(Stream source, long limit, Func<Exception> tooLarge, CancellationToken cancellationToken)
        => CopyAsync(ReadOnlyMemory<byte>.Empty, source, limit, tooLarge, cancellationToken);

    /// <summary>Like <see cref="CopyAsync(Stream, long, Func{Exception}, CancellationToken)"/>, with <paramref name="prefix"/> (already read from the part) first.</summary>
    public static async Task<SpooledTarget> CopyAsync(ReadOnlyMemory<byte> prefix, Stream source, long limit, Func<Exception> tooLarge, CancellationToken cancellationToken)
    {
        string path = Path.Combine(Path.GetTempPath(), "tuf-upload-" + Guid.NewGuid().ToString("N"));
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        if (!OperatingSystem.IsWindows())
        {
            File.Delete(path);
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length = prefix.Length;
            if (length > limit)
            {
                throw tooLarge();
            }

            hash.AppendData(prefix.Span);
            await file.WriteAsync(prefix, cancellationToken).ConfigureAwait(false);
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
                if (length > limit)
                {
                    throw tooLarge();
                }

                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }

            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            return new SpooledTarget(file, length, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A new read-only stream over the whole content (several may be open; each has its own position).</summary>
    public Stream OpenRead() => new ReadStream(_file.SafeFileHandle, Length);

    /// <summary>The whole content in one new array of exactly its length.</summary>
    public byte[] ReadAllBytes()
    {
        var data = GC.AllocateUninitializedArray<byte>(checked((int)Length));
        int offset = 0;
        int read;
        while (offset < data.Length && (read = RandomAccess.Read(_file.SafeFileHandle, data.AsSpan(offset), offset)) > 0)
        {
            offset += read;
        }

        return offset == data.Length ? data : throw new IOException("The temporary file of an upload is shorter than what was written to it.");
    }

    /// <summary>Checks the content against a target's signed length and hashes.</summary>
    /// <exception cref="LengthOrHashMismatchException">It differs.</exception>
    public void Verify(TargetFile listed)
    {
        if (Length != listed.Length)
        {
            throw Digests.LengthMismatch(listed.Path, listed.Length, Length);
        }

        using var verifier = StreamingVerifier.For(listed);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long offset = 0;
            int read;
            while ((read = RandomAccess.Read(_file.SafeFileHandle, buffer.AsSpan(0, BufferSize), offset)) > 0)
            {
                verifier.Append(buffer.AsSpan(0, read));
                offset += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        verifier.Verify();
    }

    /// <summary>Closes (and so deletes) the temporary file.</summary>
    public void Dispose() => _file.Dispose();

    /// <summary>Reads the file through its handle at its own offset (the file has no name to open it by).</summary>
    private sealed class ReadStream(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => _position = value >= 0 && value <= length ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int read = RandomAccess.Read(handle, buffer[..(int)Math.Min(buffer.Length, length - _position)], _position);
            _position += read;
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int read = await RandomAccess.ReadAsync(handle, buffer[..(int)Math.Min(buffer.Length, length - _position)], _position, cancellationToken).ConfigureAwait(false);
            _position += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
