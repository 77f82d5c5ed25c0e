namespace Tuf;

/// <summary>
/// Append-only storage for many short UTF-8 values (hash hex digests) in 64 KB chunks, so that a big targets file
/// does not turn into hundreds of thousands of string objects the garbage collector must trace and copy.
/// </summary>
internal sealed class Utf8Slab
{
    private const int ChunkSize = 64 * 1024;
    private byte[] _current = new byte[ChunkSize];
    private int _used;

    /// <summary>Stores <paramref name="value"/> and returns the chunk and offset holding it.</summary>
    public (byte[] Chunk, int Offset) Add(ReadOnlySpan<byte> value)
    {
        if (value.Length > ChunkSize / 4)
        {
            return (value.ToArray(), 0);
        }

        if (ChunkSize - _used < value.Length)
        {
            _current = new byte[ChunkSize];
            _used = 0;
        }

        int offset = _used;
        value.CopyTo(_current.AsSpan(offset));
        _used += value.Length;
        return (_current, offset);
    }
}
