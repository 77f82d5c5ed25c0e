namespace Tuf.Server.Storage;

/// <summary>
/// Stored content read from the database as it is sent, holding database resources (a connection, a read snapshot)
/// only while reads keep coming: after <see cref="IdleRelease"/> without a read they are given up, and the next read
/// opens them again at the same offset. A client that stalls a download therefore holds neither a pooled connection
/// nor a snapshot that keeps the database from cleaning up.
/// </summary>
internal abstract class ResumableContentStream : Stream
{
    /// <summary>How long a paused read keeps its database resources.</summary>
    public static readonly TimeSpan IdleRelease = TimeSpan.FromMilliseconds(200);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Timer _idle;
    private readonly long _length;
    private long _position;
    private bool _open;
    private bool _disposed;

    /// <summary>Content of <paramref name="length"/> bytes.</summary>
    protected ResumableContentStream(long length)
    {
        _length = length;
        _idle = new Timer(static s => ((ResumableContentStream)s!).Pause(), this, Timeout.Infinite, Timeout.Infinite);
    }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => _length;

    /// <inheritdoc/>
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            long remaining = _length - _position;
            if (remaining <= 0 || buffer.IsEmpty)
            {
                return 0;
            }

            if (!_open)
            {
                await OpenAtAsync(_position, cancellationToken).ConfigureAwait(false);
                _open = true;
            }

            int n = await ReadOpenAsync(buffer[..(int)Math.Min(buffer.Length, remaining)], cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw new IOException($"The stored content ended {remaining} bytes early.");
            }

            _position += n;
            _idle.Change(IdleRelease, Timeout.InfiniteTimeSpan);
            return n;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <summary>Gives the database resources up now if no read is under way (the idle timer does this after a pause).</summary>
    internal void Pause()
    {
        if (!_gate.Wait(0))
        {
            return; // a read is running: not idle
        }

        try
        {
            CloseIfOpen();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Opens the database resources and positions the read at <paramref name="position"/>.</summary>
    /// <exception cref="IOException">The content is gone (deleted since the download began).</exception>
    protected abstract Task OpenAtAsync(long position, CancellationToken cancellationToken);

    /// <summary>Reads from the open resources.</summary>
    protected abstract ValueTask<int> ReadOpenAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Gives the database resources up (called with no read running).</summary>
    protected abstract void CloseResources();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _idle.Dispose();
            _gate.Wait();
            try
            {
                _disposed = true;
                CloseIfOpen();
            }
            finally
            {
                _gate.Release();
            }
        }

        base.Dispose(disposing);
    }

    private void CloseIfOpen()
    {
        if (_open)
        {
            _open = false;
            CloseResources();
        }
    }
}
