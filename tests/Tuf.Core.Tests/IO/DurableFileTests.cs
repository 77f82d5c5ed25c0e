using Tuf.Internal;

namespace Tuf.Core.Tests.IO;

/// <summary><see cref="DurableFile"/>: a reader sees the old content or the new one, never a partial file, and once a
/// durable write returns, the new content and its name are on disk (file flushed, renamed, folder flushed).</summary>
public sealed class DurableFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tuf-durable-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void StreamedWrite_ReplacesTheFile()
    {
        string path = Path.Combine(_dir, "big.json");
        File.WriteAllText(path, "old");
        byte[] chunk = new byte[DurableFile.FlushBytes];
        Array.Fill(chunk, (byte)'x');

        DurableFile.WriteStreaming(path, stream =>
        {
            stream.Write(chunk);
            stream.Write(chunk);
        }, durable: false);

        Assert.Equal(2L * DurableFile.FlushBytes, new FileInfo(path).Length);
        Assert.Equal(["big.json"], Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void StreamedWrite_WriterFailsHalfway_OldContentKeptAndNoTemporaryFileLeft()
    {
        string path = Path.Combine(_dir, "staged.json");
        File.WriteAllText(path, "old");

        var error = Assert.Throws<InvalidOperationException>(() => DurableFile.WriteStreaming(path, stream =>
        {
            stream.Write(new byte[3 * DurableFile.FlushBytes]);
            throw new InvalidOperationException("disk full");
        }));

        Assert.Equal("disk full", error.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["staged.json"], Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Write_Durable_FlushesTheFileThenRenamesThenFlushesTheFolder(bool streamed)
    {
        string path = Path.Combine(_dir, "sub", "timestamp.json");
        var steps = new List<(string Step, string Path)>();
        using (DurableFile.Observe((step, p) => steps.Add((step, p))))
        {
            if (streamed)
            {
                DurableFile.WriteStreaming(path, stream => stream.Write("new"u8));
            }
            else
            {
                DurableFile.Write(path, "new"u8);
            }
        }

        Assert.Equal(["fsync-file", "rename", "fsync-dir"], steps.Select(s => s.Step));
        Assert.Equal(Path.Combine(_dir, "sub"), Path.GetDirectoryName(steps[0].Path));
        Assert.Equal(path, steps[1].Path);
        Assert.Equal(Path.Combine(_dir, "sub"), steps[2].Path);
        Assert.Equal("new", File.ReadAllText(path));
    }

    [Fact]
    public void Write_NotDurable_NeitherFlush()
    {
        var steps = new List<string>();
        using (DurableFile.Observe((step, _) => steps.Add(step)))
        {
            DurableFile.Write(Path.Combine(_dir, "staged.json"), "x"u8, durable: false);
        }

        Assert.Equal(["rename"], steps);
    }

    [Fact]
    public void SwapSymlink_PointsAtTheNewTargetAndFlushesTheFolder()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "v1"));
        Directory.CreateDirectory(Path.Combine(_dir, "v2"));
        string link = Path.Combine(_dir, "current");
        DurableFile.SwapSymlink(link, "v1");
        var steps = new List<string>();
        using (DurableFile.Observe((step, _) => steps.Add(step)))
        {
            DurableFile.SwapSymlink(link, "v2");
        }

        Assert.Equal("v2", new FileInfo(link).LinkTarget);
        Assert.Equal(["rename", "fsync-dir"], steps);
        Assert.Equal(["current", "v1", "v2"], Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Write_NoOverwriteOntoAnExistingFile_FailsAndKeepsIt()
    {
        string path = Path.Combine(_dir, "key.json");
        File.WriteAllText(path, "old");

        Assert.ThrowsAny<IOException>(() => DurableFile.Write(path, "new"u8, overwrite: false));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["key.json"], Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName));
    }
}
