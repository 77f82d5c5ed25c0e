using Tuf.Internal;

namespace Tuf.Client;

/// <summary>
/// A read-only body that enforces a length cap, a read timeout and a minimum average speed, and reports every failure
/// of the stream beneath as a <see cref="DownloadException"/>. The <see cref="Updater"/> reads every file through one,
/// whatever <see cref="IFetcher"/> supplied the stream, so the limits hold for fetchers that ignore them.
/// </summary>
internal sealed class GuardedStream : Stream
{
    private readonly Stream _inner;
    private readonly IDisposable? _owner;
    private readonly Uri _uri;
    private readonly long _maxLength;
    private readonly UpdaterOptions _options;
    private readonly long _startTimestamp;
    private long _total;

    public GuardedStream(Stream inner, IDisposable? owner, Uri uri, long maxLength, long? declaredLength, UpdaterOptions options)
    {
        _inner = inner;
        _owner = owner;
        _uri = uri;
        _maxLength = maxLength;
        DeclaredLength = declaredLength;
        _options = options;
        _startTimestamp = options.TimeProvider.GetTimestamp();
    }

    public long? DeclaredLength { get; }

    /// <summary>The cap this stream enforces.</summary>
    public long MaxLength => _maxLength;

    /// <summary>The address read.</summary>
    public Uri Uri => _uri;

    /// <summary>Reads the whole body (at most the cap) into an array.</summary>
    public async Task<byte[]> ReadAllAsync(CancellationToken cancellationToken)
    {
        // With a declared length (already checked against the cap) read straight into an array of that size:
        // no growing buffer and no final copy, which matters for multi-megabyte targets metadata.
        if (DeclaredLength is { } declared and <= int.MaxValue && declared <= _maxLength)
        {
            var data = new byte[declared];
            int filled = 0;
            while (filled < data.Length)
            {
                int read = await ReadAsync(data.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new DownloadException($"{ErrorText.Untrusted(_uri.ToString())}: connection closed after {filled} of {declared} bytes");
                }

                filled += read;
            }

            return data;
        }

        using var buffer = new MemoryStream();
        await CopyToAsync(buffer, 81920, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _total;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // Read at most one byte past the cap, so that an oversized body is detected without reading it all.
        long room = _maxLength - _total + 1;
        if (buffer.Length > room)
        {
            buffer = buffer[..(int)room];
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(NextReadBudget());
        int read;
        try
        {
            read = await _inner.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw SlowRetrieval();
        }
        catch (Exception ex) when (ex is not TufException and not OperationCanceledException)
        {
            // Whatever the stream beneath throws (a socket error, a custom fetcher's own exception) is a failed download.
            throw new DownloadException($"{ErrorText.Untrusted(_uri.ToString())}: {ErrorText.Untrusted(ex.Message)}", ex);
        }

        if (read < 0 || read > buffer.Length)
        {
            throw new DownloadException($"{ErrorText.Untrusted(_uri.ToString())}: the stream reported {read} bytes read into a {buffer.Length}-byte buffer");
        }

        _total += read;
        if (_total > _maxLength)
        {
            throw new DownloadLengthExceededException(_uri.ToString(), _maxLength);
        }

        if (read > 0 && IsTooSlow(_options.TimeProvider.GetElapsedTime(_startTimestamp)))
        {
            throw SlowRetrieval();
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _owner?.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>How long the next read may wait: the request timeout, or less when the average speed would
    /// fall below the minimum before then.</summary>
    private TimeSpan NextReadBudget()
    {
        var budget = _options.RequestTimeout;
        long minSpeed = _options.MinimumAverageBytesPerSecond;
        if (minSpeed > 0)
        {
            var elapsed = _options.TimeProvider.GetElapsedTime(_startTimestamp);
            var allowedTotal = TimeSpan.FromSeconds(Math.Max(_options.SlowRetrievalGracePeriod.TotalSeconds, (double)(_total + 1) / minSpeed));
            var remaining = allowedTotal - elapsed + TimeSpan.FromMilliseconds(50);
            if (remaining < budget)
            {
                budget = remaining > TimeSpan.FromMilliseconds(1) ? remaining : TimeSpan.FromMilliseconds(1);
            }
        }

        return budget;
    }

    private bool IsTooSlow(TimeSpan elapsed)
    {
        long minSpeed = _options.MinimumAverageBytesPerSecond;
        return minSpeed > 0 && elapsed > _options.SlowRetrievalGracePeriod && _total < minSpeed * elapsed.TotalSeconds;
    }

    private SlowRetrievalException SlowRetrieval() =>
        new(_uri.ToString(), _total, _options.TimeProvider.GetElapsedTime(_startTimestamp));
}
