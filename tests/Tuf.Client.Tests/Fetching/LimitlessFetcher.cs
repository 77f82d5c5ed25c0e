using Tuf.Testing;

namespace Tuf.Client.Tests;

/// <summary>
/// Serves a <see cref="RepositorySimulator"/>'s repository while keeping no limit at all: no length cap, no speed
/// guard. It can also serve bodies that never end (<see cref="Endless"/>), throw exceptions of its own
/// (<see cref="Failure"/>) or streams that fail while being read (<see cref="FailWhileReading"/>).
/// </summary>
internal sealed class LimitlessFetcher(Func<RepositorySimulator> sim) : IFetcher
{
    /// <summary>Names (ends of URLs) whose body goes on forever after the bytes the repository serves.</summary>
    public HashSet<string> Endless { get; } = new(StringComparer.Ordinal);

    /// <summary>Names whose stream throws a <see cref="NotSupportedException"/> on the first read.</summary>
    public HashSet<string> FailWhileReading { get; } = new(StringComparer.Ordinal);

    /// <summary>An exception to throw instead of opening a URL, or null to open it.</summary>
    public Func<Uri, Exception?>? Failure { get; set; }

    /// <summary>How many bytes all the streams handed out have given.</summary>
    public long BytesServed => _served;

    private long _served;

    public Task<Stream> OpenAsync(Uri uri, long maxLength, CancellationToken cancellationToken)
    {
        if (Failure?.Invoke(uri) is { } failure)
        {
            throw failure;
        }

        byte[] body = sim().Serve(uri);
        string url = uri.AbsoluteUri;
        bool endless = Endless.Any(n => url.EndsWith(n, StringComparison.Ordinal));
        bool broken = FailWhileReading.Any(n => url.EndsWith(n, StringComparison.Ordinal));
        return Task.FromResult<Stream>(new Body(this, body, endless, broken));
    }

    private sealed class Body(LimitlessFetcher owner, byte[] data, bool endless, bool broken) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (broken)
            {
                throw new NotSupportedException("the stream broke");
            }

            int n;
            if (_position < data.Length)
            {
                n = (int)Math.Min(buffer.Length, data.Length - _position);
                data.AsSpan((int)_position, n).CopyTo(buffer);
            }
            else if (endless)
            {
                n = buffer.Length;
                buffer.Fill((byte)'x');
            }
            else
            {
                return 0;
            }

            _position += n;
            Interlocked.Add(ref owner._served, n);
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
