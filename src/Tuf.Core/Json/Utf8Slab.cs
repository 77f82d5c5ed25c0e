namespace Tuf;

/// <summary>
/// Append-only storage for many short UTF-8 values (hash hex digests) in chunks of up to 64 KB, so that a big targets
/// file does not turn into hundreds of thousands of string objects the garbage collector must trace and copy. The
/// first chunk is only as large as the caller expects to need (a small targets file, e.g. one of 1,024 hash bins,
/// should not cost 64 KB), and is made on the first value.
/// </summary>
internal sealed class Utf8Slab
{
    private const int ChunkSize = 64 * 1024;
    private readonly int _firstChunkSize;
    private byte[] _current = [];
    private int _used;

    /// <param name="expectedBytes">An upper bound of what will be stored, e.g. the size of the JSON text the values come from.</param>
    public Utf8Slab(int expectedBytes) => _firstChunkSize = Math.Clamp(expectedBytes, 1, ChunkSize);

    /// <summary>Stores <paramref name="value"/> and returns the chunk and offset holding it.</summary>
    public (byte[] Chunk, int Offset) Add(ReadOnlySpan<byte> value)
    {
        if (value.Length > ChunkSize / 4)
        {
            return (value.ToArray(), 0);
        }

        if (_current.Length - _used < value.Length)
        {
            _current = new byte[_current.Length == 0 ? Math.Max(_firstChunkSize, value.Length) : ChunkSize];
            _used = 0;
        }

        int offset = _used;
        value.CopyTo(_current.AsSpan(offset));
        _used += value.Length;
        return (_current, offset);
    }
}
