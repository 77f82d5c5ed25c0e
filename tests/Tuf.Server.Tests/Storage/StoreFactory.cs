using Tuf.Server.Storage;
using Xunit.Abstractions;

namespace Tuf.Server.Tests.Storage;

/// <summary>Makes fresh, initialized stores of each kind for tests.</summary>
internal static class StoreFactory
{
    public static async Task<SqlCollectionStore> CreateSqliteAsync()
    {
        var dir = TestKit.TestDirs.New("tuf-server-test-");
        var store = new SqliteCollectionStore(Path.Combine(dir.FullName, "tuf.db"));
        await store.InitializeAsync();
        return store;
    }

    /// <summary>Null (with the reason written to <paramref name="output"/>) when PostgreSQL cannot run here.</summary>
    public static async Task<SqlCollectionStore?> CreatePostgresAsync(ITestOutputHelper output)
    {
        var cs = PostgresCluster.CreateDatabase();
        if (cs is null)
        {
            output.WriteLine("SKIPPED (PostgreSQL unavailable): " + PostgresCluster.UnavailableReason);
            return null;
        }

        var store = new PostgresCollectionStore(cs);
        await store.InitializeAsync();
        return store;
    }

    /// <summary>Publishes a collection <c>g</c> (generation 1) holding one hosted target, big.bin, of <paramref name="size"/> random bytes.</summary>
    public static async Task<(byte[] Content, string Sha256)> PublishHostedTargetAsync(SqlCollectionStore store, int size, int seed)
    {
        var big = new byte[size];
        new Random(seed).NextBytes(big);
        using var content = await Tuf.Server.Publishing.SpooledTarget.CopyAsync(new MemoryStream(big), big.Length, () => new InvalidOperationException(), CancellationToken.None);
        await store.PublishAsync(new PublishBatch
        {
            Gun = "g",
            ExpectedGeneration = 0,
            Files = [new NewMetadata("targets", 1, "t"u8.ToArray())],
            Targets = [new HostedTarget("big.bin", new Dictionary<string, string> { ["sha256"] = content.Sha256 }, content)],
            ResignDue = DateTimeOffset.UnixEpoch.AddYears(60),
            CreatedAt = DateTimeOffset.UnixEpoch.AddYears(60),
        });
        return (big, content.Sha256);
    }
}
