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

        string staged = Path.Combine(repo.Directory, ".tuf-staging", "roles", "targets.json");
        File.WriteAllText(staged, File.ReadAllText(staged).Replace("\"version\": 1", "\"version\": 7", StringComparison.Ordinal));
        string before = repo.Fingerprint();
        var ex = await Assert.ThrowsAsync<SigningException>(() => repo.Open().CommitAsync([repo.RootKeys[0], repo.Snapshot, repo.Timestamp]));
        Assert.Contains("targets has 0 of 1 signatures", ex.Message);
        Assert.Equal(before, repo.Fingerprint());
    }

    [Fact]
    public async Task Commit_StagedContentDeleted_RefusedBeforeWriting()
    {
        using var repo = new TestRepository();
        await repo.CommitAsync();
        var editor = repo.Open();
        await editor.AddTargetsAsync([new TargetSource("a", repo.WriteSource("a", "a"))]);
        editor.Save();
        Directory.Delete(Path.Combine(repo.Directory, ".tuf-staging", "blobs"), recursive: true);
        string before = repo.Fingerprint();
        var ex = await Assert.ThrowsAsync<SigningException>(() => repo.CommitAsync());
        Assert.Contains("missing from the staging area", ex.Message);
        Assert.Equal(before, repo.Fingerprint());
    }
}
