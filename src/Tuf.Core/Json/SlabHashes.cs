using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Tuf.Internal;

namespace Tuf;

/// <summary>
/// The <c>hashes</c> of a parsed target file when they are one or two ASCII hex digests: the digests stay as UTF-8
/// bytes in a shared <see cref="Utf8Slab"/> and become strings only when read. Any change turns it into an
/// ordinary small dictionary first. Saves most of the garbage of parsing a targets file with 100,000s of entries.
/// </summary>
internal sealed class SlabHashes : IDictionary<string, string>, IReadOnlyDictionary<string, string>
{
    private readonly string _name0;
    private readonly string? _name1;
    private readonly byte[] _chunk0;
    private readonly byte[]? _chunk1;
    private readonly int _offset0;
    private readonly int _offset1;
    private readonly int _length0;
    private readonly int _length1;
    private CompactDictionary<string>? _materialized;

    public SlabHashes(string name0, (byte[] Chunk, int Offset) value0, int length0, string? name1, (byte[] Chunk, int Offset) value1, int length1)
    {
        _name0 = name0;
        (_chunk0, _offset0, _length0) = (value0.Chunk, value0.Offset, length0);
        _name1 = name1;
        (_chunk1, _offset1, _length1) = (value1.Chunk, value1.Offset, length1);
    }

    public int Count => _materialized?.Count ?? (_name1 is null ? 1 : 2);

    public bool IsReadOnly => false;

    public ICollection<string> Keys => Materialized().Keys;

    public ICollection<string> Values => Materialized().Values;

    IEnumerable<string> IReadOnlyDictionary<string, string>.Keys => Keys;

    IEnumerable<string> IReadOnlyDictionary<string, string>.Values => Values;

    public string this[string key]
    {
        get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException("Key not found: " + ErrorText.Untrusted(key));
        set => Materialized()[key] = value;
    }

    public void Add(string key, string value) => Materialized().Add(key, value);

    public void Add(KeyValuePair<string, string> item) => Materialized().Add(item);

    public void Clear() => Materialized().Clear();

    public bool Contains(KeyValuePair<string, string> item) => TryGetValue(item.Key, out var v) && v == item.Value;

    public bool ContainsKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _materialized?.ContainsKey(key) ?? (key == _name0 || key == _name1);
    }

    public void CopyTo(KeyValuePair<string, string>[] array, int arrayIndex) => Materialized().CopyTo(array, arrayIndex);

    public bool Remove(string key) => Materialized().Remove(key);

    public bool Remove(KeyValuePair<string, string> item) => Materialized().Remove(item);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_materialized is not null)
        {
            return _materialized.TryGetValue(key, out value);
        }

        if (key == _name0)
        {
            value = Encoding.UTF8.GetString(_chunk0, _offset0, _length0);
            return true;
        }

        if (_name1 is not null && key == _name1)
        {
            value = Encoding.UTF8.GetString(_chunk1!, _offset1, _length1);
            return true;
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        if (_materialized is not null)
        {
            return _materialized.GetEnumerator();
        }

        return Enumerate();

        IEnumerator<KeyValuePair<string, string>> Enumerate()
        {
            yield return new(_name0, Encoding.UTF8.GetString(_chunk0, _offset0, _length0));
            if (_name1 is not null)
            {
                yield return new(_name1, Encoding.UTF8.GetString(_chunk1!, _offset1, _length1));
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Writes the entries without creating strings: names in code-point order, values as stored.</summary>
    internal bool TryGetRaw(out string name0, out ReadOnlySpan<byte> value0, out string? name1, out ReadOnlySpan<byte> value1)
    {
        name0 = _name0;
        name1 = _name1;
        value0 = _chunk0.AsSpan(_offset0, _length0);
        value1 = _name1 is null ? default : _chunk1.AsSpan(_offset1, _length1);
        return _materialized is null;
    }

    private CompactDictionary<string> Materialized()
    {
        if (_materialized is null)
        {
            var map = new CompactDictionary<string>(2) { [_name0] = Encoding.UTF8.GetString(_chunk0, _offset0, _length0) };
            if (_name1 is not null)
            {
                map[_name1] = Encoding.UTF8.GetString(_chunk1!, _offset1, _length1);
            }

            _materialized = map;
        }

        return _materialized;
    }
}
