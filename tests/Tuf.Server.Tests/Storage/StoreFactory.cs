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
}
