using System.ComponentModel;
using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Tuf.Internal;

/// <summary>
/// A small insertion-ordered string-keyed dictionary over one array with linear (ordinal) lookup. Used for
/// per-target <c>hashes</c>, which usually hold one or two entries: a hash-table dictionary per target is
/// most of the parser's garbage for a big targets file.
/// </summary>
/// <remarks>
/// <para>Infrastructure shared by the Tuf assemblies (public so they need no <c>InternalsVisibleTo</c>); not a supported API: it may change or disappear in any release.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class CompactDictionary<TValue> : IDictionary<string, TValue>, IReadOnlyDictionary<string, TValue>
{
    private KeyValuePair<string, TValue>[] _entries;
    private int _count;

    /// <summary>Creates an empty dictionary with room for <paramref name="capacity"/> entries.</summary>
    /// <param name="capacity">Initial capacity.</param>
    public CompactDictionary(int capacity = 2)
    {
        _entries = capacity == 0 ? [] : new KeyValuePair<string, TValue>[capacity];
    }

    /// <inheritdoc/>
    public int Count => _count;

    /// <inheritdoc/>
    public bool IsReadOnly => false;

    /// <inheritdoc/>
    public ICollection<string> Keys => _entries.Take(_count).Select(static e => e.Key).ToList();

    /// <inheritdoc/>
    public ICollection<TValue> Values => _entries.Take(_count).Select(static e => e.Value).ToList();

    IEnumerable<string> IReadOnlyDictionary<string, TValue>.Keys => Keys;

    IEnumerable<TValue> IReadOnlyDictionary<string, TValue>.Values => Values;

    /// <inheritdoc/>
    public TValue this[string key]
    {
        get => IndexOf(key) is var i and >= 0 ? _entries[i].Value : throw new KeyNotFoundException("Key not found: " + ErrorText.Untrusted(key));
        set
        {
            int i = IndexOf(key);
            if (i >= 0)
            {
                _entries[i] = new(key, value);
            }
            else
            {
                Append(key, value);
            }
        }
    }

    /// <inheritdoc/>
    public void Add(string key, TValue value)
    {
        if (IndexOf(key) >= 0)
        {
            throw new ArgumentException("An item with the same key has already been added: " + ErrorText.Untrusted(key), nameof(key));
        }

        Append(key, value);
    }

    /// <inheritdoc/>
    public void Add(KeyValuePair<string, TValue> item) => Add(item.Key, item.Value);

    /// <inheritdoc/>
    public void Clear()
    {
        Array.Clear(_entries, 0, _count);
        _count = 0;
    }

    /// <inheritdoc/>
    public bool Contains(KeyValuePair<string, TValue> item) =>
        IndexOf(item.Key) is var i and >= 0 && EqualityComparer<TValue>.Default.Equals(_entries[i].Value, item.Value);

    /// <inheritdoc/>
    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    /// <inheritdoc/>
    public void CopyTo(KeyValuePair<string, TValue>[] array, int arrayIndex) => Array.Copy(_entries, 0, array, arrayIndex, _count);

    /// <inheritdoc/>
    public bool Remove(string key)
    {
        int i = IndexOf(key);
        if (i < 0)
        {
            return false;
        }

        Array.Copy(_entries, i + 1, _entries, i, _count - i - 1);
        _entries[--_count] = default;
        return true;
    }

    /// <inheritdoc/>
    public bool Remove(KeyValuePair<string, TValue> item) => Contains(item) && Remove(item.Key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value)
    {
        int i = IndexOf(key);
        if (i >= 0)
        {
            value = _entries[i].Value;
            return true;
        }

        value = default;
        return false;
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator()
    {
        for (int i = 0; i < _count; i++)
        {
            yield return _entries[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (int i = 0; i < _count; i++)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private void Append(string key, TValue value)
    {
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, Math.Max(4, _entries.Length * 2));
        }

        _entries[_count++] = new(key, value);
    }
}
