namespace Tuf.Signing.Tests;

/// <summary><see cref="AtomicFile"/>: a reader sees the old content or the new one, never a partial file.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tuf-atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void StreamedWrite_ReplacesTheFile()
    {
        string path = Path.Combine(_dir, "big.json");
        File.WriteAllText(path, "old");
        byte[] chunk = new byte[AtomicFile.FlushBytes];
        Array.Fill(chunk, (byte)'x');

        AtomicFile.Write(path, stream =>
        {
            stream.Write(chunk);
            stream.Write(chunk);
        }, durable: false);

        Assert.Equal(2L * AtomicFile.FlushBytes, new FileInfo(path).Length);
        Assert.Equal(["big.json"], Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void StreamedWrite_WriterFailsHalfway_OldContentKeptAndNoTemporaryFileLeft()
    {
        string path = Path.Combine(_dir, "staged.json");
        File.WriteAllText(path, "old");

        var error = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[3 * AtomicFile.FlushBytes]);
            throw new InvalidOperationException("disk full");
        }));

        Assert.Equal("disk full", error.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["staged.json"], Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName));
    }
}
