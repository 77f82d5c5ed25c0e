using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Tuf.Server.Storage;

/// <summary>
/// Read cache in front of the store. Versioned and hashed files never change, so they are kept until the cache is
/// full (then it starts over). Current files (<c>timestamp.json</c> and other unversioned names) are kept for at
/// most <see cref="ServerOptions.CurrentCacheTtl"/>, and dropped at once when this replica publishes; another
/// replica's publish is seen within that time, which is well inside the <c>max-age</c> clients and caches apply.
/// </summary>
internal sealed class MetadataCache
{
    private readonly ConcurrentDictionary<(string Gun, string Role, long Version), StoredMetadata> _immutable = new();
    private readonly ConcurrentDictionary<(string Gun, string Role), (StoredMetadata? File, long ExpiresAt)> _current = new();
    private readonly TimeProvider _time;
    private readonly long _ttlTicks;
    private readonly long _maxBytes;
    private long _bytes;

    /// <summary>Creates the cache.</summary>
    public MetadataCache(IOptions<ServerOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        _ttlTicks = (long)(options.Value.CurrentCacheTtl.TotalSeconds * time.TimestampFrequency);
        _maxBytes = options.Value.MetadataCacheBytes;
    }

    /// <summary>A current file, from cache when fresh.</summary>
    public async Task<StoredMetadata?> GetCurrentAsync(ICollectionStore store, string gun, string role, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var now = _time.GetTimestamp();
        if (_ttlTicks > 0 && _current.TryGetValue((gun, role), out var hit) && hit.ExpiresAt > now)
        {
            return hit.File;
        }

        var file = await store.GetMetadataAsync(gun, role, null, cancellationToken).ConfigureAwait(false);
        if (_ttlTicks > 0)
        {
            if (_current.Count > 100_000)
            {
                _current.Clear();
            }

            _current[(gun, role)] = (file, now + _ttlTicks);
        }

        return file;
    }

    /// <summary>A versioned file, from cache when present.</summary>
    public async Task<StoredMetadata?> GetVersionAsync(ICollectionStore store, string gun, string role, long version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (_immutable.TryGetValue((gun, role, version), out var hit))
        {
            return hit;
        }

        var file = await store.GetMetadataAsync(gun, role, version, cancellationToken).ConfigureAwait(false);
        if (file is not null && _maxBytes > 0)
        {
            if (Interlocked.Add(ref _bytes, file.Data.Length) > _maxBytes)
            {
                _immutable.Clear();
                Interlocked.Exchange(ref _bytes, file.Data.Length);
            }

            _immutable[(gun, role, version)] = file;
        }

        return file;
    }

    /// <summary>Forgets a collection's current files (after a local publish or delete).</summary>
    public void Invalidate(string gun)
    {
        foreach (var key in _current.Keys)
        {
            if (key.Gun == gun)
            {
                _current.TryRemove(key, out _);
            }
        }
    }

    /// <summary>Forgets everything about a collection (after a delete: its versions may be published again).</summary>
    public void InvalidateAll(string gun)
    {
        Invalidate(gun);
        foreach (var key in _immutable.Keys)
        {
            if (key.Gun == gun)
            {
                _immutable.TryRemove(key, out _);
            }
        }
    }
}
