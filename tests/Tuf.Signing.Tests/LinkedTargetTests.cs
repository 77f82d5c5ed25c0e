namespace Tuf.Signing.Tests;

/// <summary>
/// Targets added with <c>--link</c>: commit hard-links the source files into <c>targets/</c>, without reading them
/// again while they are exactly the files <c>add</c> hashed, and re-hashing them when anything about them changed.
/// </summary>
public sealed class LinkedTargetTests
{
    [Fact]
    public async Task Add_RecordsTheFileIdentity_AndCommitLinksTheSameInodeUnderBothHashNames()
    {
        using var repo = new TestRepository();
        string source = repo.WriteSource("a", "linked");
        var added = await AddLinked(repo, "x/a.txt", source);
        Assert.Contains("\"ino\":", File.ReadAllText(Path.Combine(repo.Directory, ".tuf-staging", "sources.json")));

        await repo.CommitAsync();
        Assert.Equal(Inode(source), Inode(Published(repo, "x", added, "sha256", "a.txt")));
        Assert.Equal(Inode(source), Inode(Published(repo, "x", added, "sha512", "a.txt")));
        Assert.Single(repo.Verify().Roles["targets"].TargetFiles);
    }

    [Fact]
    public async Task Commit_SourceTouchedAfterAdd_ContentStillTheSame_IsPublished()
    {
        using var repo = new TestRepository();
        string source = repo.WriteSource("a", "same bytes");
        var added = await AddLinked(repo, "a.txt", source);
        File.SetLastWriteTimeUtc(source, File.GetLastWriteTimeUtc(source).AddMinutes(5));

        await repo.CommitAsync();
        Assert.Equal("same bytes", File.ReadAllText(Published(repo, null, added, "sha256", "a.txt")));
        Assert.Single(repo.Verify().Roles["targets"].TargetFiles);
    }

    [Fact]
    public async Task Commit_SourceReplacedByRenameWithSameContent_PublishesTheNewFile()
    {
        using var repo = new TestRepository();
        string source = repo.WriteSource("a", "v1 bytes");
        var added = await AddLinked(repo, "a.txt", source);
        string replacement = repo.WriteSource("a.new", "v1 bytes");
        File.Move(replacement, source, overwrite: true);

        await repo.CommitAsync();
        string published = Published(repo, null, added, "sha256", "a.txt");
        Assert.Equal("v1 bytes", File.ReadAllText(published));
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(Inode(source), Inode(published));
        }
    }

    [Fact]
    public async Task Commit_SourceReplacedByRenameWithOtherContent_RefusedAndNothingPublished()
    {
        using var repo = new TestRepository();
        await repo.CommitAsync();
        string source = repo.WriteSource("a", "v1 bytes");
        await AddLinked(repo, "a.txt", source);
        string replacement = repo.WriteSource("a.new", "v2 bytes");
        File.Move(replacement, source, overwrite: true);
        string before = repo.Fingerprint();

        var ex = await Assert.ThrowsAsync<SigningException>(() => repo.CommitAsync());
        Assert.StartsWith("nothing committed", ex.Message);
        Assert.Contains("changed since 'tuf repo add'", ex.Message);
        Assert.Equal(before, repo.Fingerprint());
    }

    [Fact]
    public async Task Commit_SourceDeleted_RefusedNamingTheFile()
    {
        using var repo = new TestRepository();
        await repo.CommitAsync();
        string source = repo.WriteSource("a", "gone soon");
        await AddLinked(repo, "a.txt", source);
        File.Delete(source);
        string before = repo.Fingerprint();

        var ex = await Assert.ThrowsAsync<SigningException>(() => repo.CommitAsync());
        Assert.StartsWith("nothing committed", ex.Message);
        Assert.Contains(Path.GetFullPath(source), ex.Message);
        Assert.Equal(before, repo.Fingerprint());
    }

    [Fact]
    public async Task Commit_SourceIsSymbolicLink_PublishesTheFileItPointsAt_NotTheLink()
    {
        using var repo = new TestRepository();
        string real = repo.WriteSource("real", "pointed at");
        string link = Path.Combine(Path.GetDirectoryName(real)!, "relative-link");
        File.CreateSymbolicLink(link, "real");
        var added = await AddLinked(repo, "d/a.txt", link);

        await repo.CommitAsync();
        string published = Published(repo, "d", added, "sha256", "a.txt");
        Assert.Null(new FileInfo(published).LinkTarget);
        Assert.Equal("pointed at", File.ReadAllText(published));
        Assert.Equal(Inode(real), Inode(published));
    }

    [Fact]
    public async Task Commit_LeftoverAtHashName_LinkFails_FallsBackToCopyWithTheRightContent()
    {
        using var repo = new TestRepository();
        string source = repo.WriteSource("a", "content");
        var added = await AddLinked(repo, "d/a", source);
        Directory.CreateDirectory(Path.Combine(repo.Directory, "targets", "d"));
        File.WriteAllText(Path.Combine(repo.Directory, "targets", "d", added[0].Hashes["sha256"] + ".a"), "cont");

        await repo.CommitAsync();
        Assert.Equal("content", File.ReadAllText(Published(repo, "d", added, "sha256", "a")));
        Assert.Equal("content", File.ReadAllText(Published(repo, "d", added, "sha512", "a")));
    }

    private static async Task<IReadOnlyList<TargetFile>> AddLinked(TestRepository repo, string targetPath, string source)
    {
        var editor = repo.Open();
        var added = await editor.AddTargetsAsync([new TargetSource(targetPath, source) { Link = true }]);
        editor.Save();
        return added;
    }

    private static string Published(TestRepository repo, string? folder, IReadOnlyList<TargetFile> added, string hash, string name) =>
        Path.Combine(folder is null ? Path.Combine(repo.Directory, "targets") : Path.Combine(repo.Directory, "targets", folder), added[0].Hashes[hash] + "." + name);

    private static ulong Inode(string path)
    {
        Assert.True(PosixFile.TryStat(path, out var identity), $"statx {path}");
        return identity.Inode;
    }
}
