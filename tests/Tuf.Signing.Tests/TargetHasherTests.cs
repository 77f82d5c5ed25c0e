using System.Security.Cryptography;

namespace Tuf.Signing.Tests;

/// <summary>Hashing target files at <c>tuf repo add</c>: content, identity, and no side effects on the source.</summary>
public sealed class TargetHasherTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tuf-hasher-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData((1 << 20) + 1)]
    public void Hash_ReturnsLengthAndBothDigests(int size)
    {
        byte[] content = RandomNumberGenerator.GetBytes(size);
        string path = Path.Combine(_dir, "f");
        File.WriteAllBytes(path, content);

        var result = TargetHasher.Hash(path, CancellationToken.None);

        Assert.Equal(size, result.Length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), result.Sha256);
        Assert.Equal(Convert.ToHexStringLower(SHA512.HashData(content)), result.Sha512);
        Assert.Equal(File.GetLastWriteTimeUtc(path).Ticks, result.LastWriteTicks);
    }

    [Fact]
    public void Hash_SmallFile_RecordsItsIdentity()
    {
        string path = Path.Combine(_dir, "f");
        File.WriteAllText(path, "content");

        var identity = TargetHasher.Hash(path, CancellationToken.None).Identity;

        Assert.NotNull(identity);
        Assert.True(PosixFile.TryStat(path, out var now));
        Assert.Equal(now, identity.Value);
        Assert.Equal(7, identity.Value.Size);
        Assert.True(identity.Value.IsRegularFile);
    }

    [Fact]
    public void Hash_DoesNotUpdateTheSourcesAccessTime()
    {
        // With relatime (this machine's default) a read updates an access time older than a day; O_NOATIME must not.
        string path = Path.Combine(_dir, "f");
        File.WriteAllText(path, "content");
        var old = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastAccessTimeUtc(path, old);

        _ = TargetHasher.Hash(path, CancellationToken.None);

        Assert.Equal(old, File.GetLastAccessTimeUtc(path));
    }

    [Fact]
    public void Hash_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => TargetHasher.Hash(Path.Combine(_dir, "missing"), CancellationToken.None));
    }
}
