using System.Security.Cryptography;
using System.Text;
using Tuf.Server.Storage;
using Xunit.Abstractions;

namespace Tuf.Server.Tests.Storage;

/// <summary>The behaviour every <see cref="ICollectionStore"/> must have; run once per database.</summary>
public abstract class CollectionStoreContractTests
{
    private static readonly DateTimeOffset s_now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected CollectionStoreContractTests(ITestOutputHelper output) => Output = output;

    protected ITestOutputHelper Output { get; }

    /// <summary>A fresh store, or null when this database cannot run here (the test then passes with a message).</summary>
    internal abstract Task<SqlCollectionStore?> CreateAsync();

    private static PublishBatch Batch(string gun, long expected, params (string Role, long Version, string Text)[] files) => new()
    {
        Gun = gun,
        ExpectedGeneration = expected,
        Files = files.Select(f => new NewMetadata(f.Role, f.Version, Encoding.UTF8.GetBytes(f.Text))).ToArray(),
        ResignDue = s_now.AddDays(1),
        CreatedAt = s_now,
    };

    [SkippableFact]
    public async Task PublishAsync_LargeFile_StoredAndReadBackExactly()
    {
        var store = await CreateAsync();
        Skip.If(store is null, "PostgreSQL unavailable: " + PostgresCluster.UnavailableReason);

        // Larger than one 64 KiB piece and not a multiple of it: SQLite writes such a file into the row piece by piece.
        var big = new byte[3 * 65536 + 12345];
        new Random(17).NextBytes(big);
        var small = "{\"small\": true}"u8.ToArray();
        await store.PublishAsync(new PublishBatch
        {
            Gun = "example.com/big",
            ExpectedGeneration = 0,
            Files = [new NewMetadata("targets", 1, big), new NewMetadata("root", 1, small)],
            ResignDue = s_now.AddDays(1),
            CreatedAt = s_now,
        });

        var state = await store.GetStateAsync("example.com/big");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(big)), state!.Roles["targets"].Sha256);
        Assert.Equal(big.Length, state.Roles["targets"].Length);
        Assert.Equal(big, (await store.GetMetadataAsync("example.com/big", "targets", null))!.Data);
        Assert.Equal(big, (await store.GetMetadataAsync("example.com/big", "targets", 1))!.Data);
        Assert.Equal(big, (await store.GetMetadataByHashAsync("example.com/big", "targets", state.Roles["targets"].Sha256))!.Data);
        Assert.Equal(small, (await store.GetMetadataAsync("example.com/big", "root", null))!.Data);

        // A second version with the same role: the primary key still refuses a duplicate version.
        await Assert.ThrowsAsync<PublishConflictException>(() => store.PublishAsync(new PublishBatch
        {
            Gun = "example.com/big",
            ExpectedGeneration = 1,
            Files = [new NewMetadata("targets", 1, big)],
            ResignDue = s_now.AddDays(1),
            CreatedAt = s_now,
        }));
    }

    [SkippableFact]
    public async Task InitializeAsync_Twice_IsIdempotent()
    {
        var store = await CreateAsync();
        Skip.If(store is null, "PostgreSQL unavailable: " + PostgresCluster.UnavailableReason);

        await store.InitializeAsync();
        await store.PingAsync();
    }

    [SkippableFact]
    public async Task PublishAsync_NewCollection_StoresExactBytesAndCurrentPointers()
    {
        var store = await CreateAsync();
        Skip.If(store is null, "PostgreSQL unavailable: " + PostgresCluster.UnavailableReason);

        Assert.Null(await store.GetStateAsync("example.com/app"));
        var gen = await store.PublishAsync(Batch("example.com/app", 0, ("root", 1, "{ \"r\" : 1 }"), ("timestamp", 1, "t1")));
        Assert.Equal(1, gen);

        var state = await store.GetStateAsync("example.com/app");
        Assert.NotNull(state);
        Assert.Equal(1, state.Generation);
        Assert.Equal(1, state.Roles["root"].Version);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("{ \"r\" : 1 }"u8)), state.Roles["root"].Sha256);
        Assert.Equal(11, state.Roles["root"].Length);

        var current = await store.GetMetadataAsync("example.com/app", "root", null);
        Assert.Equal("{ \"r\" : 1 }"u8.ToArray(), current!.Data);
        Assert.Equal(1, current.Version);
        Assert.Null(await store.GetMetadataAsync("example.com/app", "targets", null));
        Assert.Null(await store.GetMetadataAsync("other", "root", null));
    }

    [SkippableFact]
    public async Task PublishAsync_NextGeneration_MovesPointersAndKeepsOldVersions()
    {
        var store = await CreateAsync();
        Skip.If(store is null, "PostgreSQL unavailable: " + PostgresCluster.UnavailableReason);

        await store.PublishAsync(Batch("g", 0, ("targets", 1, "t1"), ("timestamp", 1, "ts1")));
        var gen = await store.PublishAsync(Batch("g", 1, ("targets", 2, "t2"), ("timestamp", 2, "ts2")));
        Assert.Equal(2, gen);

        Assert.Equal("t2"u8.ToArray(), (await store.GetMetadataAsync("g", "targets", null))!.Data);
        Assert.Equal("t1"u8.ToArray(), (await store.GetMetadataAsync("g", "targets", 1))!.Data);
        Assert.Equal("t2"u8.ToArray(), (await store.GetMetadataAsync("g", "targets", 2))!.Data);
        var byHash = await store.GetMetadataByHashAsync("g", "targets", Convert.ToHexStringLower(SHA256.HashData("t1"u8)));
        Assert.Equal(1, byHash!.Version);
    }

    [SkippableFact]
    public async Task PublishAsync_StaleGeneration_ThrowsConflictAndChangesNothing()
    {
        var store = await CreateAsync();
        Skip.If(store is null, "PostgreSQL unavailable: " + PostgresCluster.UnavailableReason);

        await store.PublishAsync(Batch("g", 0, ("targets", 1, "t1")));
        await store.PublishAsync(Batch("g", 1, ("targets", 2, "t2")));

        await Assert.ThrowsAsync<PublishConflictException>(() => store.PublishAsync(Batch("g", 1, ("targets", 3, "t3"))));
        await Assert.ThrowsAsync<PublishConflictException>(() => store.PublishAsync(Batch("g", 0, ("targets", 3, "t3"))));

        var state = await store.GetStateAsync("g");
        Assert.Equal(2, state!.Generation);
        Assert.Equal(2, state.Roles["targets"].Version);
        Assert.Null(await store.GetMetadataAsync("g", "targets", 3));
    }

    [SkippableFact]
    public async Task PublishAsync_DuplicateRoleVersion_ThrowsConflictAndRollsBack()
    {
        var store = await CreateAsync();
        Skip.If(store is null, "PostgreSQL unavailable: " + PostgresCluster.UnavailableReason);

        await store.PublishAsync(Batch("g", 0, ("targets", 1, "t1"), ("timestamp", 1, "ts1")));

        // Generation matches, but targets v1 exists: the whole batch (including the timestamp) must roll back.
        await Assert.ThrowsAsync<PublishConflictException>(() => store.PublishAsync(Batch("g", 1, ("timestamp", 2, "ts2"), ("targets", 1, "other"))));

        var state = await store.GetStateAsync("g");
        Assert.Equal(1, state!.Generation);
        Assert.Equal(1, state.Roles["timestamp"].Version);
        Assert.Equal("t1"u8.ToArray(), (await store.GetMetadataAsync("g", "targets", 1))!.Data);
    }

    [SkippableFact]
    public async Task PublishAsync_ManyConcurrentWritersOnOneGeneration_ExactlyOneWins()
    {
        var store = await CreateAsync();
        Skip.If(store is null, "PostgreSQL unavailable: " + PostgresCluster.UnavailableReason);

        await store.PublishAsync(Batch("g", 0, ("targets", 1, "t1")));
        var attempts = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            try
            {
                await store.PublishAsync(Batch("g", 1, ("targets", 2, "writer" + i)));
                return true;
            }
            catch (PublishConflictException)
            {
                return false;
            }
        })).ToArray();
        var results = await Task.WhenAll(attempts);

        Assert.Equal(1, results.Count(r => r));
        var state = await store.GetStateAsync("g");
        Assert.Equal(2, state!.Generation);
        var winner = Array.IndexOf(results, true);
        Assert.Equal(Encoding.UTF8.GetBytes("writer" + winner), (await store.GetMetadataAsync("g", "targets", null))!.Data);
    }

    [SkippableFact]
    public async Task PublishAsync_ConcurrentWritersRetrying_EveryPublishLandsOnceInOrder()
    {
        var store = await CreateAsync();
        Skip.If(store is null, "PostgreSQL unavailable: " + PostgresCluster.UnavailableReason);

        await store.PublishAsync(Batch("g", 0, ("targets", 1, "t1")));
        var accepted = new System.Collections.Concurrent.ConcurrentBag<long>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (int done = 0; done < 5;)
            {
                var state = await store.GetStateAsync("g");
                var next = state!.Roles["targets"].Version + 1;
                try
                {
                    await store.PublishAsync(Batch("g", state.Generation, ("targets", next, "t" + next)));
                    accepted.Add(next);
                    done++;
                }
                catch (PublishConflictException)
                {
                    // Lost the race: re-read and retry, as a client would.
                }
            }
        })));

        Assert.Equal(Enumerable.Range(2, 40).Select(i => (long)i), accepted.Order());
        var final = await store.GetStateAsync("g");
        Assert.Equal(41, final!.Generation);
        for (long v = 1; v <= 41; v++)
        {
            Assert.Equal(Encoding.UTF8.GetBytes("t" + v), (await store.GetMetadataAsync("g", "targets", v))!.Data);
        }
    }

    [SkippableFact]
    public async Task GetTargetAsync_HostedContent_ServedByEveryHashAndNewestByPath()
    {
        var store = await CreateAsync();
        Skip.If(store is null, "PostgreSQL unavailable: " + PostgresCluster.UnavailableReason);

        var hashes = new Dictionary<string, string> { ["sha256"] = "AA11", ["sha512"] = "bb22" };
        using var content = await Tuf.Server.Publishing.SpooledTarget.CopyAsync(new MemoryStream("v1 bytes"u8.ToArray()), 1024, () => new InvalidOperationException(), CancellationToken.None);
        await store.PublishAsync(new PublishBatch
        {
            Gun = "g",
            ExpectedGeneration = 0,
            Files = [new NewMetadata("targets", 1, "t"u8.ToArray())],
            Targets = [new HostedTarget("dir/app.bin", hashes, content)],
            ResignDue = s_now,
            CreatedAt = s_now,
        });

        Assert.Equal("v1 bytes"u8.ToArray(), await ReadTargetAsync(store, "g", "dir/app.bin", "aa11"));
        Assert.Equal("v1 bytes"u8.ToArray(), await ReadTargetAsync(store, "g", "dir/app.bin", "bb22"));
        Assert.Equal("v1 bytes"u8.ToArray(), await ReadTargetAsync(store, "g", "dir/app.bin", null));
        Assert.Null(await store.OpenTargetAsync("g", "dir/app.bin", "cc33"));
        Assert.Null(await store.OpenTargetAsync("other", "dir/app.bin", "aa11"));
        await using (var opened = await store.OpenTargetAsync("g", "dir/app.bin", null))
        {
            Assert.Equal(8, opened!.Length);
            Assert.Equal(content.Sha256, opened.Sha256);
        }
    }

    [SkippableFact]
    public async Task OpenTargetAsync_LargeContent_StreamsExactly_AndManyReadsCanBeOpenAtOnce()
    {
        var store = await CreateAsync();
        Skip.If(store is null, "PostgreSQL unavailable: " + PostgresCluster.UnavailableReason);

        var (big, sha256) = await StoreFactory.PublishHostedTargetAsync(store, 5 * 1024 * 1024 + 17, seed: 5);

        // Several readers at once, each part-way through (as concurrent downloads are), then each to the end.
        var readers = new List<StoredTarget>();
        try
        {
            for (int i = 0; i < 4; i++)
            {
                var opened = await store.OpenTargetAsync("g", "big.bin", sha256);
                readers.Add(opened!);
                Assert.Equal(big.Length, opened!.Length);
                var head = new byte[1000];
                await opened.Content.ReadExactlyAsync(head);
                Assert.Equal(big.AsSpan(0, 1000).ToArray(), head);
            }

            // Two of them pause long enough to give their database resources up, then go on from where they were.
            ((ResumableContentStream)readers[0].Content).Pause();
            ((ResumableContentStream)readers[2].Content).Pause();

            // A publish while they read (SQLite: readers do not block the writer).
            await store.PublishAsync(new PublishBatch { Gun = "g", ExpectedGeneration = 1, Files = [new NewMetadata("targets", 2, "t2"u8.ToArray())], ResignDue = s_now, CreatedAt = s_now });
            foreach (var opened in readers)
            {
                var rest = new MemoryStream();
                await opened.Content.CopyToAsync(rest);
                Assert.Equal(big.AsSpan(1000).ToArray(), rest.ToArray());
            }
        }
        finally
        {
            foreach (var opened in readers)
            {
                await opened.DisposeAsync();
            }
        }
    }

    private static async Task<byte[]?> ReadTargetAsync(SqlCollectionStore store, string gun, string path, string? hash)
    {
        await using var opened = await store.OpenTargetAsync(gun, path, hash);
        if (opened is null)
        {
            return null;
        }

        var bytes = new MemoryStream();
        await opened.Content.CopyToAsync(bytes);
        Assert.Equal(opened.Length, bytes.Length);
        return bytes.ToArray();
    }

    [SkippableFact]
    public async Task DeleteCollectionAsync_Existing_RemovesEverythingButKeys()
    {
        var store = await CreateAsync();
        Skip.If(store is null, "PostgreSQL unavailable: " + PostgresCluster.UnavailableReason);

        await store.PublishAsync(Batch("g", 0, ("root", 1, "r1")));
        await store.AddServerKeyAsync(new ServerKeyRecord("g", "timestamp", "k1", [1], [2], s_now));

        Assert.True(await store.DeleteCollectionAsync("g"));
        Assert.False(await store.DeleteCollectionAsync("g"));
        Assert.Null(await store.GetStateAsync("g"));
        Assert.Null(await store.GetMetadataAsync("g", "root", 1));
        Assert.Single(await store.GetServerKeysAsync("g", "timestamp"));

        // A deleted collection starts again from generation 0.
        Assert.Equal(1, await store.PublishAsync(Batch("g", 0, ("root", 1, "r1 again"))));
    }

    [SkippableFact]
    public async Task GetServerKeysAsync_SeveralKeys_NewestFirst()
    {
        var store = await CreateAsync();
        Skip.If(store is null, "PostgreSQL unavailable: " + PostgresCluster.UnavailableReason);

        await store.AddServerKeyAsync(new ServerKeyRecord("g", "timestamp", "old", [1], [2, 3], s_now));
        await store.AddServerKeyAsync(new ServerKeyRecord("g", "timestamp", "new", [4], [5], s_now.AddSeconds(1)));
        await store.AddServerKeyAsync(new ServerKeyRecord("g", "snapshot", "snap", [6], [7], s_now));

        var keys = await store.GetServerKeysAsync("g", "timestamp");
        Assert.Equal(["new", "old"], keys.Select(k => k.KeyId));
        Assert.Equal(new byte[] { 2, 3 }, keys[1].EncryptedPrivateKey);
        Assert.Empty(await store.GetServerKeysAsync("other", "timestamp"));
    }

    [SkippableFact]
    public async Task Tokens_AddAndFind_ByHashOnly()
    {
        var store = await CreateAsync();
        Skip.If(store is null, "PostgreSQL unavailable: " + PostgresCluster.UnavailableReason);

        Assert.Equal(0, await store.CountTokensAsync());
        await store.AddTokenAsync(new TokenRecord("abc", "admin", "admin:*", s_now));
        Assert.Equal(1, await store.CountTokensAsync());
        var token = await store.FindTokenAsync("abc");
        Assert.Equal("admin:*", token!.Scopes);
        Assert.Null(await store.FindTokenAsync("abd"));
    }

    [SkippableFact]
    public async Task GetChangesAsync_AfterPublishes_ListsTimestampVersionsInOrder()
    {
        var store = await CreateAsync();
        Skip.If(store is null, "PostgreSQL unavailable: " + PostgresCluster.UnavailableReason);

        await store.PublishAsync(Batch("a", 0, ("timestamp", 1, "a1")));
        await store.PublishAsync(Batch("b", 0, ("timestamp", 1, "b1")));
        await store.PublishAsync(Batch("a", 1, ("timestamp", 2, "a2")));

        var all = await store.GetChangesAsync(null, 0, 100);
        Assert.Equal(["a", "b", "a"], all.Select(c => c.Gun));
        var forA = await store.GetChangesAsync("a", 0, 100);
        Assert.Equal([1L, 2L], forA.Select(c => c.Version));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("a2"u8)), forA[1].Sha256);
        Assert.Single(await store.GetChangesAsync("a", forA[0].Id, 100));
    }

    [SkippableFact]
    public async Task GetCollectionsExpiringBeforeAsync_MixedDueTimes_ReturnsOnlyDue()
    {
        var store = await CreateAsync();
        Skip.If(store is null, "PostgreSQL unavailable: " + PostgresCluster.UnavailableReason);

        await store.PublishAsync(Batch("soon", 0, ("timestamp", 1, "x")));
        await store.PublishAsync(new PublishBatch { Gun = "late", ExpectedGeneration = 0, Files = [], ResignDue = s_now.AddDays(30), CreatedAt = s_now });

        Assert.Equal(["soon"], await store.GetCollectionsExpiringBeforeAsync(s_now.AddDays(2), 10));
        Assert.Empty(await store.GetCollectionsExpiringBeforeAsync(s_now, 10));
    }

    [SkippableFact]
    public async Task TryRunExclusiveAsync_LockHeld_SecondCallerDeclined()
    {
        var store = await CreateAsync();
        Skip.If(store is null, "PostgreSQL unavailable: " + PostgresCluster.UnavailableReason);

        var inside = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var first = store.TryRunExclusiveAsync("job", async _ =>
        {
            inside.SetResult();
            await release.Task;
        });
        await inside.Task;

        Assert.False(await store.TryRunExclusiveAsync("job", _ => Task.CompletedTask));
        Assert.True(await store.TryRunExclusiveAsync("other-job", _ => Task.CompletedTask));
        release.SetResult();
        Assert.True(await first);
        Assert.True(await store.TryRunExclusiveAsync("job", _ => Task.CompletedTask));
    }
}

public sealed class SqliteCollectionStoreTests(ITestOutputHelper output) : CollectionStoreContractTests(output)
{
    internal override async Task<SqlCollectionStore?> CreateAsync() => await StoreFactory.CreateSqliteAsync();
}

public sealed class PostgresCollectionStoreTests(ITestOutputHelper output) : CollectionStoreContractTests(output)
{
    internal override Task<SqlCollectionStore?> CreateAsync() => StoreFactory.CreatePostgresAsync(Output);
}
