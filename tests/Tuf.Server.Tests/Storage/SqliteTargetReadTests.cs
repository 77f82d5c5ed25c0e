using Microsoft.Data.Sqlite;
using Tuf.Server.Storage;

namespace Tuf.Server.Tests.Storage;

/// <summary>A paused download on SQLite gives up its read transaction, so the log can be reset; it then goes on or fails cleanly.</summary>
public sealed class SqliteTargetReadTests
{
    private static readonly DateTimeOffset s_now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task BetweenPieces_TheWriteAheadLogCanBeCheckpointedAndTruncated()
    {
        var (store, path, big) = await StoreWithTargetAsync(1024 * 1024, seed: 11);

        await using var download = await store.OpenTargetAsync("g", "big.bin", null);
        var first = new byte[64 * 1024];
        await download!.Content.ReadExactlyAsync(first);

        // Another writer commits; the paused download gives up its snapshot, after which the log can be checkpointed
        // and truncated (TRUNCATE reports busy = 1 while any reader holds a snapshot).
        await store.PublishAsync(new PublishBatch { Gun = "g", ExpectedGeneration = 1, Files = [new NewMetadata("targets", 2, "t2"u8.ToArray())], ResignDue = s_now, CreatedAt = s_now });
        await WaitUntilLogTruncatesAsync(path);

        var rest = new MemoryStream();
        await download.Content.CopyToAsync(rest);
        Assert.Equal(big, first.Concat(rest.ToArray()).ToArray());
    }

    [Fact]
    public async Task ContentDeletedMidDownload_EndsTheReadWithAnError()
    {
        var (store, path, big) = await StoreWithTargetAsync(512 * 1024, seed: 12);

        await using var download = await store.OpenTargetAsync("g", "big.bin", null);
        var first = new byte[1024];
        await download!.Content.ReadExactlyAsync(first);
        Assert.Equal(big.AsSpan(0, first.Length).ToArray(), first);
        using (var other = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            other.Open();
            using var delete = other.CreateCommand();
            delete.CommandText = "DELETE FROM blobs";
            delete.ExecuteNonQuery();
        }

        await WaitUntilLogTruncatesAsync(path);

        await Assert.ThrowsAsync<IOException>(() => download.Content.CopyToAsync(Stream.Null));
    }

    /// <summary>A fresh SQLite store holding one hosted target, big.bin, of <paramref name="size"/> random bytes.</summary>
    private static async Task<(SqliteCollectionStore Store, string Path, byte[] Content)> StoreWithTargetAsync(int size, int seed)
    {
        string path = Path.Combine(TestKit.TestDirs.New("tuf-target-read-").FullName, "tuf.db");
        var store = new SqliteCollectionStore(path);
        await store.InitializeAsync();
        var (big, _) = await StoreFactory.PublishHostedTargetAsync(store, size, seed);
        return (store, path, big);
    }

    /// <summary>Polls (with a deadline) until a TRUNCATE checkpoint succeeds: no reader holds a snapshot any more.</summary>
    private static async Task WaitUntilLogTruncatesAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        using var other = new SqliteConnection($"Data Source={path};Pooling=False");
        other.Open();
        while (true)
        {
            using var checkpoint = other.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            using var result = checkpoint.ExecuteReader();
            Assert.True(result.Read());
            if (result.GetInt64(0) == 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "the paused download still holds its read snapshot");
            await Task.Delay(20);
        }
    }
}
