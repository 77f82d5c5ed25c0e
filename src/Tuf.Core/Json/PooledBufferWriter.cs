using System.Buffers;

namespace Tuf;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over one growing array rented from <see cref="ArrayPool{T}.Shared"/>.
/// Dispose returns the array; <see cref="ToArray"/> copies the written bytes out.
/// </summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    /// <summary>From this size on <see cref="Detach"/> keeps the array instead of copying it.</summary>
    internal const int DetachThreshold = 1 << 20;

    private byte[] _buffer;
    private int _written;

    public PooledBufferWriter(int initialCapacity = 4096)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));
    }

    public int WrittenCount => _written;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public byte[] ToArray() => _buffer.AsSpan(0, _written).ToArray();

    /// <summary>
    /// The written bytes, to keep: a large output keeps the rented array itself (it is not returned to the pool, and
    /// its pages past the written bytes are never touched), saving a copy and as much fresh memory; a small one is
    /// copied out at its exact size. The writer is empty afterwards.
    /// </summary>
    public ReadOnlyMemory<byte> Detach()
    {
        if (_written < DetachThreshold)
        {
            var copy = ToArray();
            Dispose();
            return copy;
        }

        var kept = _buffer.AsMemory(0, _written);
        _buffer = [];
        _written = 0;
        return kept;
    }

    public void Advance(int count)
    {
        if ((uint)count > (uint)(_buffer.Length - _written))
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public void Write(byte value)
    {
        if (_written == _buffer.Length)
        {
            Grow(1);
        }

        _buffer[_written++] = value;
    }

    public void Write(ReadOnlySpan<byte> value)
    {
        if (value.Length > _buffer.Length - _written)
        {
            Grow(value.Length);
        }

        value.CopyTo(_buffer.AsSpan(_written));
        _written += value.Length;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _written = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Ensure(int sizeHint)
    {
        if (sizeHint < 1)
        {
            sizeHint = 1;
        }

        if (sizeHint > _buffer.Length - _written)
        {
            Grow(sizeHint);
        }
    }

    private void Grow(int needed)
    {
        long want = Math.Max((long)_buffer.Length * 2, (long)_written + needed);
        if (want > Array.MaxLength)
        {
            want = (long)_written + needed;
            if (want > Array.MaxLength)
            {
                throw new InvalidOperationException("Output too large.");
            }
        }

        var next = ArrayPool<byte>.Shared.Rent((int)want);
        _buffer.AsSpan(0, _written).CopyTo(next);
        var old = _buffer;
        _buffer = next;
        if (old.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(old);
        }
    }
}
