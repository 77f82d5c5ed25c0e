using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Tuf.Server.Storage;

/// <summary>
/// Read cache in front of the store. Versioned and hashed files never change, so they are kept until the cache is
/// full (then it starts over). Current files (<c>timestamp.json</c> and other unversioned names) are kept for at
/// most <see cref="ServerOptions.CurrentCacheTtl"/>, and dropped at once when this replica publishes; another
/// replica's publish is seen within that time, which is well inside the <c>max-age</c> clients and caches apply.
/// </summary>
/// <remarks>
/// Requests that miss together share one load: without that, every client asking for a large current file in the
/// moment its entry expires would read its own copy from the database (32 clients on a 15 MB <c>targets.json</c>:
/// half a gigabyte at once, every second). A failed load is shared by the requests waiting for it and not kept.
/// The load itself is not cancelled when the request that started it goes away: the others may still want it.
/// </remarks>
internal sealed class MetadataCache
{
    private readonly ConcurrentDictionary<ImmutableName, StoredMetadata> _immutable = new();
    private readonly ConcurrentDictionary<ImmutableName, Task<StoredMetadata?>> _loadingImmutable = new();
    private readonly ConcurrentDictionary<(string Gun, string Role), CurrentEntry> _current = new();
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
        if (_ttlTicks <= 0)
        {
            return await store.GetMetadataAsync(gun, role, null, cancellationToken).ConfigureAwait(false);
        }

        var key = (gun, role);
        while (true)
        {
            var now = _time.GetTimestamp();
            _current.TryGetValue(key, out var entry);
            if (entry is not null && (entry.ExpiresAt > now || !entry.File.IsCompleted))
            {
                // Fresh, or being loaded: a load started now is no fresher than one in flight.
                return await entry.File.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            if (entry is null && _current.Count > 100_000)
            {
                _current.Clear();
            }

            // Fresh for the time-to-live from the moment the load starts: what it reads is at least that new.
            var load = new TaskCompletionSource<StoredMetadata?>(TaskCreationOptions.RunContinuationsAsynchronously);
            var mine = new CurrentEntry(load.Task, now + _ttlTicks);
            if (entry is null ? _current.TryAdd(key, mine) : _current.TryUpdate(key, mine, entry))
            {
                _ = CompleteAsync(load, () => store.GetMetadataAsync(gun, role, null, CancellationToken.None), onFailure: () => _current.TryRemove(KeyValuePair.Create(key, mine)));
                return await load.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            // Another request replaced the entry first: use theirs.
        }
    }

    /// <summary>A versioned file, from cache when present.</summary>
    public Task<StoredMetadata?> GetVersionAsync(ICollectionStore store, string gun, string role, long version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return GetImmutableAsync(new ImmutableName(gun, role, version, null), () => store.GetMetadataAsync(gun, role, version, CancellationToken.None), cancellationToken);
    }

    /// <summary>A file by the SHA-256 of its bytes (Notary's hashed names), from cache when present.</summary>
    public Task<StoredMetadata?> GetByHashAsync(ICollectionStore store, string gun, string role, string sha256, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return GetImmutableAsync(new ImmutableName(gun, role, 0, sha256), () => store.GetMetadataByHashAsync(gun, role, sha256, CancellationToken.None), cancellationToken);
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

    private async Task<StoredMetadata?> GetImmutableAsync(ImmutableName key, Func<Task<StoredMetadata?>> read, CancellationToken cancellationToken)
    {
        if (_immutable.TryGetValue(key, out var hit))
        {
            return hit;
        }

        var load = new TaskCompletionSource<StoredMetadata?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = _loadingImmutable.GetOrAdd(key, load.Task);
        if (shared == load.Task)
        {
            _ = CompleteAsync(load, async () =>
            {
                try
                {
                    var file = await read().ConfigureAwait(false);
                    Keep(key, file);
                    return file;
                }
                finally
                {
                    _loadingImmutable.TryRemove(KeyValuePair.Create(key, load.Task));
                }
            }, onFailure: null);
        }

        return await shared.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void Keep(ImmutableName key, StoredMetadata? file)
    {
        if (file is null || _maxBytes <= 0)
        {
            return;
        }

        if (Interlocked.Add(ref _bytes, file.Data.Length) > _maxBytes)
        {
            _immutable.Clear();
            Interlocked.Exchange(ref _bytes, file.Data.Length);
        }

        _immutable[key] = file;
    }

    /// <summary>Runs a shared load and hands its outcome to everyone waiting; a failure is not kept.</summary>
    private static async Task CompleteAsync(TaskCompletionSource<StoredMetadata?> load, Func<Task<StoredMetadata?>> work, Action? onFailure)
    {
        try
        {
            load.SetResult(await work().ConfigureAwait(false));
        }
        catch (Exception e)
        {
            onFailure?.Invoke();
            load.SetException(e);
        }
    }

    private sealed record CurrentEntry(Task<StoredMetadata?> File, long ExpiresAt);

    /// <summary>A name that always denotes the same bytes: a version, or the SHA-256 of the bytes.</summary>
    private readonly record struct ImmutableName(string Gun, string Role, long Version, string? Sha256);
}
