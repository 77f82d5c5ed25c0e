using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Tuf.Server.Storage;

namespace Tuf.Server.Tests.Storage;

/// <summary>A database written by an older server opens in this one with everything it held.</summary>
public sealed class SqliteMigrationTests
{
    private static readonly DateTimeOffset s_now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task SchemaVersion1_MigratesWithItsMetadata_AndDataBecomesTheLastColumn()
    {
        string path = Path.Combine(TestKit.TestDirs.New("tuf-migration-").FullName, "tuf.db");
        var big = new byte[200_000];
        new Random(3).NextBytes(big);
        string bigSha = Convert.ToHexStringLower(SHA256.HashData(big));
        using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            old.Open();
            foreach (var ddl in SqliteCollectionStore.SchemaMigrations[0].Prepend("CREATE TABLE schema_version (version BIGINT NOT NULL)").Append("INSERT INTO schema_version (version) VALUES (1)"))
            {
                Execute(old, ddl);
            }

            Execute(old, "INSERT INTO collections (gun, generation, resign_due) VALUES ('example.com/app', 1, 0)");
            Execute(old, "INSERT INTO metadata (gun, role, version, sha256, data, created) VALUES ('example.com/app', 'targets', 1, @h, @b, 5)", ("h", bigSha), ("b", big));
            Execute(old, "INSERT INTO current_roles (gun, role, version, sha256, length) VALUES ('example.com/app', 'targets', 1, @h, @l)", ("h", bigSha), ("l", big.Length));
        }

        var store = new SqliteCollectionStore(path);
        await store.InitializeAsync();

        Assert.Equal(big, (await store.GetMetadataAsync("example.com/app", "targets", null))!.Data);
        Assert.Equal(big, (await store.GetMetadataByHashAsync("example.com/app", "targets", bigSha))!.Data);
        var next = new byte[150_000];
        new Random(4).NextBytes(next);
        Assert.Equal(2, await store.PublishAsync(new PublishBatch
        {
            Gun = "example.com/app",
            ExpectedGeneration = 1,
            Files = [new NewMetadata("targets", 2, next)],
            ResignDue = s_now,
            CreatedAt = s_now,
        }));
        Assert.Equal(next, (await store.GetMetadataAsync("example.com/app", "targets", null))!.Data);
        Assert.Equal(big, (await store.GetMetadataAsync("example.com/app", "targets", 1))!.Data);

        using var check = new SqliteConnection($"Data Source={path};Pooling=False");
        check.Open();
        using var columns = check.CreateCommand();
        columns.CommandText = "SELECT name FROM pragma_table_info('metadata') ORDER BY cid DESC LIMIT 1";
        Assert.Equal("data", columns.ExecuteScalar());
        using var version = check.CreateCommand();
        version.CommandText = "SELECT MAX(version) FROM schema_version";
        Assert.Equal((long)SqliteCollectionStore.SchemaMigrations.Count, version.ExecuteScalar());
        using var index = check.CreateCommand();
        index.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'metadata_sha256'";
        Assert.Equal(1L, index.ExecuteScalar());
    }

    private static void Execute(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue("@" + name, value);
        }

        cmd.ExecuteNonQuery();
    }
}
