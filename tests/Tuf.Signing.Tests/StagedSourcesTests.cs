using Tuf.Internal;

namespace Tuf.Signing.Tests;

/// <summary><c>.tuf-staging/sources.json</c>: what <c>add</c> records survives the round trip to <c>commit</c>.</summary>
public sealed class StagedSourcesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tuf-sources-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SaveLoad_WithAndWithoutIdentity_RoundTrips()
    {
        var identity = new FileIdentity(0x0000_0103_0000_0002, 123456789, 42, 1_790_000_000_123_456_789, 1_790_000_001_987_654_321, IsRegularFile: true);
        var withIdentity = new StagedSources.Entry("/src/a.bin", 42, identity.LastWriteTicks, Link: true) { Identity = identity };
        var withoutIdentity = new StagedSources.Entry("/src/b.bin", 7, 638_000_000_000_000_000, Link: false);
        var sources = new StagedSources();
        sources.Add(new string('a', 64), withIdentity);
        sources.Add(new string('b', 64), withoutIdentity);
        string path = Path.Combine(_dir, "sources.json");

        sources.Save(path);
        var loaded = StagedSources.Load(path);

        Assert.True(loaded.TryGet(new string('a', 64), out var a));
        Assert.Equal(withIdentity, a);
        Assert.Equal(identity, a.Identity);
        Assert.True(loaded.TryGet(new string('b', 64), out var b));
        Assert.Equal(withoutIdentity, b);
        Assert.Null(b.Identity);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(path));
        var stored = json.RootElement.GetProperty("sources");
        Assert.False(stored.GetProperty(new string('a', 64)).TryGetProperty("mtime_ticks", out _), "derivable from mtime_ns, not stored");
        Assert.True(stored.GetProperty(new string('b', 64)).TryGetProperty("mtime_ticks", out _));
    }

    [Fact]
    public void SaveLoad_ManyEntries_WrittenInSeveralFlushes_RoundTrips()
    {
        // ~230 bytes per entry: 20,000 entries are several flushes of the streamed writer.
        var sources = new StagedSources();
        for (int i = 0; i < 20_000; i++)
        {
            var identity = new FileIdentity(2049, (ulong)i + 1, i, 1_790_000_000_000_000_000 + i, 1_790_000_000_000_000_000 + i, IsRegularFile: true);
            sources.Add(i.ToString("x64"), new StagedSources.Entry($"/src/d{i % 100:00}/file-{i:000000}.txt", i, identity.LastWriteTicks, Link: i % 2 == 0) { Identity = identity });
        }

        string path = Path.Combine(_dir, "sources.json");
        sources.Save(path);
        var loaded = StagedSources.Load(path);

        Assert.True(new FileInfo(path).Length > 3 * DurableFile.FlushBytes);
        Assert.Equal(20_000, loaded.Count);
        for (int i = 0; i < 20_000; i += 997)
        {
            Assert.True(loaded.TryGet(i.ToString("x64"), out var entry));
            Assert.Equal($"/src/d{i % 100:00}/file-{i:000000}.txt", entry.FilePath);
            Assert.Equal((ulong)i + 1, entry.Identity!.Value.Inode);
            Assert.Equal(i % 2 == 0, entry.Link);
        }

        Assert.Equal(["sources.json"], Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"version":1}""")]
    [InlineData("""{"version":1,"sources":{"aa":{"length":1,"mtime_ticks":1}}}""")]
    [InlineData("""{"version":1,"sources":{"aa":{"path":"/a","mtime_ticks":1}}}""")]
    [InlineData("""{"version":1,"sources":{"aa":{"path":"/a","length":"1","mtime_ticks":1}}}""")]
    [InlineData("""{"version":1,"sources":{"aa":{"path":"/a","length":1}}}""")]
    [InlineData("""{"version":1,"sources":{"aa":{"path":"/a","length":1,"ino":5,"mtime_ns":1,"ctime_ns":1}}}""")]
    [InlineData("""{"version":1,"sources":{"aa":{"path":"/a","length":1,"mtime_ticks":1}}""")]
    public void Load_Malformed_IsRefusedNamingTheFile(string content)
    {
        string path = Path.Combine(_dir, "sources.json");
        File.WriteAllText(path, content);
        var ex = Assert.Throws<SigningException>(() => StagedSources.Load(path));
        Assert.Equal($"{path}: malformed", ex.Message);
    }

    [Fact]
    public void Load_UnknownMembers_AreSkipped()
    {
        string path = Path.Combine(_dir, "sources.json");
        File.WriteAllText(path, """{"version":1,"x":{"y":[1,2]},"sources":{"aa":{"path":"/a","z":[{}],"length":3,"mtime_ticks":7,"link":true}}}""");
        Assert.True(StagedSources.Load(path).TryGet("aa", out var entry));
        Assert.Equal(new StagedSources.Entry("/a", 3, 7, Link: true), entry);
    }
}
