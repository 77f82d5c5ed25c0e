using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tuf.Server.Storage;

namespace Tuf.Server.Tests.Storage;

/// <summary>The read cache: concurrent misses share one database read; failures are shared but not kept.</summary>
public sealed class MetadataCacheTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    private MetadataCache NewCache() => new(Options.Create(new ServerOptions { CurrentCacheTtl = TimeSpan.FromSeconds(1) }), _time);

    [Fact]
    public async Task ConcurrentMissesOfACurrentFile_ShareOneLoad_UntilItExpires()
    {
        var store = new GatedStore();
        var cache = NewCache();

        var requests = Enumerable.Range(0, 20).Select(_ => cache.GetCurrentAsync(store, "g", "targets", CancellationToken.None)).ToArray();
        await store.WaitForLoadsAsync(1);
        store.Release();
        var files = await Task.WhenAll(requests);

        Assert.Equal(1, store.Loads);
        Assert.All(files, f => Assert.Same(files[0], f));

        // Fresh: no load. Expired: exactly one more, shared again.
        Assert.Same(files[0], await cache.GetCurrentAsync(store, "g", "targets", CancellationToken.None));
        Assert.Equal(1, store.Loads);
        _time.Advance(TimeSpan.FromSeconds(2));
        var again = Enumerable.Range(0, 10).Select(_ => cache.GetCurrentAsync(store, "g", "targets", CancellationToken.None)).ToArray();
        await Task.WhenAll(again);
        Assert.Equal(2, store.Loads);
    }

    [Fact]
    public async Task ConcurrentMissesOfAVersion_ShareOneLoad_ThenItIsKept()
    {
        var store = new GatedStore();
        var cache = NewCache();

        var requests = Enumerable.Range(0, 20).Select(_ => cache.GetVersionAsync(store, "g", "targets", 3, CancellationToken.None)).ToArray();
        await store.WaitForLoadsAsync(1);
        store.Release();
        var files = await Task.WhenAll(requests);

        Assert.Equal(1, store.Loads);
        Assert.All(files, f => Assert.Same(files[0], f));
        _time.Advance(TimeSpan.FromDays(1));
        Assert.Same(files[0], await cache.GetVersionAsync(store, "g", "targets", 3, CancellationToken.None));
        Assert.Equal(1, store.Loads);
    }

    [Fact]
    public async Task ConcurrentMissesOfAHashedName_ShareOneLoad_ThenItIsKept_ApartFromVersions()
    {
        var store = new GatedStore();
        var cache = NewCache();

        var requests = Enumerable.Range(0, 20).Select(_ => cache.GetByHashAsync(store, "g", "targets", "ab12", CancellationToken.None)).ToArray();
        await store.WaitForLoadsAsync(1);
        store.Release();
        var files = await Task.WhenAll(requests);

        Assert.Equal(1, store.Loads);
        Assert.All(files, f => Assert.Same(files[0], f));
        Assert.Same(files[0], await cache.GetByHashAsync(store, "g", "targets", "ab12", CancellationToken.None));
        Assert.Equal(1, store.Loads);

        // Another hash, and a version, are other names.
        await cache.GetByHashAsync(store, "g", "targets", "cd34", CancellationToken.None);
        await cache.GetVersionAsync(store, "g", "targets", 7, CancellationToken.None);
        Assert.Equal(3, store.Loads);
    }

    [Fact]
    public async Task AFailedLoad_ReachesEveryWaiter_AndTheNextRequestLoadsAgain()
    {
        var store = new GatedStore { FailNext = true };
        var cache = NewCache();

        var current = Enumerable.Range(0, 5).Select(_ => cache.GetCurrentAsync(store, "g", "targets", CancellationToken.None)).ToArray();
        await store.WaitForLoadsAsync(1);
        store.Release();
        foreach (var request in current)
        {
            await Assert.ThrowsAsync<IOException>(() => request);
        }

        Assert.NotNull(await cache.GetCurrentAsync(store, "g", "targets", CancellationToken.None));
        Assert.Equal(2, store.Loads);

        store.FailNext = true;
        await Assert.ThrowsAsync<IOException>(() => cache.GetVersionAsync(store, "g", "targets", 1, CancellationToken.None));
        Assert.NotNull(await cache.GetVersionAsync(store, "g", "targets", 1, CancellationToken.None));
        Assert.Equal(4, store.Loads);
    }

    [Fact]
    public async Task AWaiterThatGoesAway_DoesNotCancelTheLoadForTheOthers()
    {
        var store = new GatedStore();
        var cache = NewCache();
        using var gone = new CancellationTokenSource();

        var first = cache.GetCurrentAsync(store, "g", "targets", gone.Token);
        var second = cache.GetCurrentAsync(store, "g", "targets", CancellationToken.None);
        await store.WaitForLoadsAsync(1);
        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        store.Release();

        Assert.NotNull(await second);
        Assert.Equal(1, store.Loads);
    }

    [Fact]
    public async Task Invalidate_DropsTheCollectionsCurrentFiles()
    {
        var store = new GatedStore();
        store.Release();
        var cache = NewCache();

        var before = await cache.GetCurrentAsync(store, "g", "targets", CancellationToken.None);
        cache.Invalidate("g");
        var after = await cache.GetCurrentAsync(store, "g", "targets", CancellationToken.None);

        Assert.NotSame(before, after);
        Assert.Equal(2, store.Loads);
    }

    /// <summary>A store whose metadata reads wait for <see cref="Release"/> and are counted; nothing else is used.</summary>
    private sealed class GatedStore : ICollectionStore
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _loads;

        public int Loads => Volatile.Read(ref _loads);

        public bool FailNext { get; set; }

        public void Release() => _gate.TrySetResult();

        public async Task WaitForLoadsAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (Loads < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"only {Loads} loads started");
                await Task.Delay(5);
            }
        }

        public async Task<StoredMetadata?> GetMetadataAsync(string gun, string role, long? version, CancellationToken cancellationToken = default)
        {
            int n = Interlocked.Increment(ref _loads);
            await _gate.Task.WaitAsync(cancellationToken);
            if (FailNext)
            {
                FailNext = false;
                throw new IOException("database unreachable");
            }

            return new StoredMetadata(role, version ?? n, "00", Encoding.UTF8.GetBytes($"load {n}"));
        }

        public Task InitializeAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task PingAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CollectionState?> GetStateAsync(string gun, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<StoredMetadata?> GetMetadataByHashAsync(string gun, string role, string sha256, CancellationToken cancellationToken = default) => GetMetadataAsync(gun, role, 7, cancellationToken);

        public Task<long> PublishAsync(PublishBatch batch, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<bool> DeleteCollectionAsync(string gun, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<StoredTarget?> OpenTargetAsync(string gun, string path, string? hash, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<ServerKeyRecord>> GetServerKeysAsync(string gun, string role, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task AddServerKeyAsync(ServerKeyRecord key, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<TokenRecord?> FindTokenAsync(string hash, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task AddTokenAsync(TokenRecord token, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<long> CountTokensAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<ChangeRecord>> GetChangesAsync(string? gun, long afterId, int limit, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<string>> GetCollectionsExpiringBeforeAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<bool> TryRunExclusiveAsync(string lockName, Func<CancellationToken, Task> work, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
