namespace Tuf.Signing.Tests;

public sealed class RepositoryCommitFailureTests
{
    [Fact]
    public async Task Commit_FailsWhileWritingMetadata_ClientsStillSeeOldRepository()
    {
        using var repo = new TestRepository();
        await repo.CommitAsync();
        var editor = repo.Open();
        await editor.AddTargetsAsync([new TargetSource("a", repo.WriteSource("a", "a"))]);
        editor.Save();
        string timestampBefore = File.ReadAllText(Path.Combine(repo.Directory, "metadata", "timestamp.json"));

        // Make the new snapshot's file name impossible to write.
        Directory.CreateDirectory(Path.Combine(repo.Directory, "metadata", "2.snapshot.json"));
        await Assert.ThrowsAnyAsync<IOException>(() => repo.CommitAsync());

        Assert.Equal(timestampBefore, File.ReadAllText(Path.Combine(repo.Directory, "metadata", "timestamp.json")));
        var verified = repo.Verify();
        Assert.Equal(1, verified.Timestamp.Version);
        Assert.Empty(verified.Roles["targets"].TargetFiles);

        // Once the obstacle is gone the same staged change commits.
        Directory.Delete(Path.Combine(repo.Directory, "metadata", "2.snapshot.json"));
        await repo.CommitAsync();
        Assert.Single(repo.Verify().Roles["targets"].TargetFiles);
    }

    [Fact]
    public async Task StagedFileTamperedAfterSigning_SignatureNoLongerCounts()
    {
        using var repo = new TestRepository();
        var editor = repo.Open();
        await editor.SignAsync("targets", repo.Targets);
        editor.Save();

        string staged = System.Text.Encoding.UTF8.GetString(repo.ReadStagedRole("targets"));
        Assert.Contains("\"version\":1}", staged, StringComparison.Ordinal);
        repo.WriteStagedRole("targets", System.Text.Encoding.UTF8.GetBytes(staged.Replace("\"version\":1}", "\"version\":7}", StringComparison.Ordinal)));
        string before = repo.Fingerprint();
        var ex = await Assert.ThrowsAsync<SigningException>(() => repo.Open().CommitAsync([repo.RootKeys[0], repo.Snapshot, repo.Timestamp]));
        Assert.Contains("targets has 0 of 1 signatures", ex.Message);
        Assert.Equal(before, repo.Fingerprint());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StagedSignatureInvalid_TargetsPublishedMeanwhileAreRemoved(bool link)
    {
        // The staged signature makes the threshold look reachable, so targets are published while signing; the
        // signature then fails to verify, and the commit must leave the tree exactly as it was.
        using var repo = new TestRepository();
        await repo.CommitAsync();
        var editor = repo.Open();
        await editor.AddTargetsAsync([new TargetSource("dir/a.txt", repo.WriteSource("a.txt", "alpha")) { Link = link }, new TargetSource("b.txt", repo.WriteSource("b.txt", "beta")) { Link = link }]);
        await editor.SignAsync("targets", repo.Targets);
        editor.Save();
        string staged = System.Text.Encoding.UTF8.GetString(repo.ReadStagedRole("targets"));
        repo.WriteStagedRole("targets", System.Text.Encoding.UTF8.GetBytes(staged.Replace("\"version\":2}", "\"version\":9}", StringComparison.Ordinal)));

        string before = repo.Fingerprint();
        var ex = await Assert.ThrowsAsync<SigningException>(() => repo.Open().CommitAsync([repo.RootKeys[0], repo.Snapshot, repo.Timestamp]));
        Assert.Contains("targets has 0 of 1 signatures", ex.Message);
        Assert.Equal(before, repo.Fingerprint());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(repo.Directory, "targets"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Commit_SourceDeletedAfterAdd_RefusedBeforeWriting()
    {
        using var repo = new TestRepository();
        await repo.CommitAsync();
        var editor = repo.Open();
        string source = repo.WriteSource("a", "a");
        await editor.AddTargetsAsync([new TargetSource("a", source)]);
        editor.Save();
        File.Delete(source);
        string before = repo.Fingerprint();
        var ex = await Assert.ThrowsAsync<SigningException>(() => repo.CommitAsync());
        Assert.StartsWith("nothing committed", ex.Message);
        Assert.Contains(Path.GetFullPath(source), ex.Message);
        Assert.Contains("no longer exists", ex.Message);
        Assert.Equal(before, repo.Fingerprint());
    }

    [Fact]
    public async Task Commit_SourceLengthChangedAfterAdd_RefusedBeforeWriting()
    {
        using var repo = new TestRepository();
        await repo.CommitAsync();
        var editor = repo.Open();
        string source = repo.WriteSource("a", "original");
        await editor.AddTargetsAsync([new TargetSource("a", source)]);
        editor.Save();
        File.WriteAllText(source, "changed, and longer");
        string before = repo.Fingerprint();
        var ex = await Assert.ThrowsAsync<SigningException>(() => repo.CommitAsync());
        Assert.Contains("changed since 'tuf repo add'", ex.Message);
        Assert.Equal(before, repo.Fingerprint());
    }

    [Theory]
    [InlineData(100, false)]
    [InlineData(3 << 20, false)]
    [InlineData(100, true)]
    [InlineData(3 << 20, true)]
    public async Task Commit_SourceContentChangedKeepingSizeAndTime_RefusedAndNothingPublished(int size, bool link)
    {
        using var repo = new TestRepository();
        await repo.CommitAsync();
        var editor = repo.Open();
        var sources = new List<TargetSource>();
        for (int i = 0; i < 20; i++)
        {
            sources.Add(new TargetSource($"dir/f{i}", repo.WriteSource($"f{i}", new string((char)('a' + i), size))) { Link = link });
        }

        await editor.AddTargetsAsync(sources);
        editor.Save();
        string timestampBefore = File.ReadAllText(Path.Combine(repo.Directory, "metadata", "timestamp.json"));

        // Same length and same last write time, different bytes: only re-hashing at commit can notice.
        string tampered = sources[7].FilePath;
        var time = File.GetLastWriteTimeUtc(tampered);
        File.WriteAllText(tampered, new string('z', size));
        File.SetLastWriteTimeUtc(tampered, time);

        var ex = await Assert.ThrowsAsync<SigningException>(() => repo.CommitAsync());
        Assert.Contains("f7 changed since 'tuf repo add'", ex.Message);
        Assert.Contains("nothing committed", ex.Message);
        Assert.Equal(timestampBefore, File.ReadAllText(Path.Combine(repo.Directory, "metadata", "timestamp.json")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(repo.Directory, "targets"), "*", SearchOption.AllDirectories));
        var verified = repo.Verify();
        Assert.Equal(1, verified.Timestamp.Version);
        Assert.Empty(verified.Roles["targets"].TargetFiles);

        // Adding the file again records its new hashes, and the commit then succeeds.
        editor = repo.Open();
        await editor.AddTargetsAsync([sources[7]]);
        editor.Save();
        await repo.CommitAsync();
        Assert.Equal(20, repo.Verify().Roles["targets"].TargetFiles.Count);
    }

    [Fact]
    public async Task Commit_LeftoverFileAtHashName_IsReplacedWithTheRightContent()
    {
        using var repo = new TestRepository();
        await repo.CommitAsync();
        var editor = repo.Open();
        var added = await editor.AddTargetsAsync([new TargetSource("d/a", repo.WriteSource("a", "content"))]);
        editor.Save();

        // What an interrupted commit could leave behind: a partial file under the final name.
        string sha256 = added[0].Hashes["sha256"];
        Directory.CreateDirectory(Path.Combine(repo.Directory, "targets", "d"));
        File.WriteAllText(Path.Combine(repo.Directory, "targets", "d", sha256 + ".a"), "cont");
        await repo.CommitAsync();
        Assert.Equal("content", File.ReadAllText(Path.Combine(repo.Directory, "targets", "d", sha256 + ".a")));
        Assert.Equal("content", File.ReadAllText(Path.Combine(repo.Directory, "targets", "d", added[0].Hashes["sha512"] + ".a")));
    }
}
