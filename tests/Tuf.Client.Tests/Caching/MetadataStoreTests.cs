namespace Tuf.Client.Tests.Caching;

public sealed class MetadataStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tuf-store-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Write_ThenRead_ExactBytesAndNoTempFilesLeft()
    {
        var store = new MetadataStore(_dir);
        byte[] data = [1, 2, 3, 0, 255];

        store.Write("a/b", data);

        Assert.Equal(data, store.TryRead("a/b", 100));
        Assert.Equal(["a%2Fb.json"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_Overwrite_ReplacesWholeFile()
    {
        var store = new MetadataStore(_dir);
        store.Write("timestamp", new byte[1000]);
        store.Write("timestamp", [7]);

        Assert.Equal(new byte[] { 7 }, store.TryRead("timestamp", 100));
    }

    [Fact]
    public void TryRead_LargerThanLimitOrMissing_ReturnsNull()
    {
        var store = new MetadataStore(_dir);
        store.Write("snapshot", new byte[101]);

        Assert.Null(store.TryRead("snapshot", 100));
        Assert.Null(store.TryRead("missing", 100));
    }

    [Fact]
    public void Write_DirectoryMissing_ThrowsAndLeavesNothing()
    {
        var store = new MetadataStore(Path.Combine(_dir, "nope"));
        Assert.ThrowsAny<IOException>(() => store.Write("root", [1]));
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }
}
