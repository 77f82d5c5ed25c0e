using System.Text.Json;
using Tuf.Internal;

namespace Tuf.Signing.Tests;

public sealed class RepositoryEditorTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task InitAndCommit_PlainRepository_Verifies(bool consistent)
    {
        using var repo = new TestRepository(consistent);
        var editor = repo.Open();
        await editor.AddTargetsAsync([new TargetSource("a.txt", repo.WriteSource("a.txt", "alpha")), new TargetSource("dir/b.txt", repo.WriteSource("b.txt", "beta"))]);
        editor.Save();
        var result = await repo.CommitAsync();

        Assert.Equal(new Dictionary<string, long> { ["root"] = 1, ["targets"] = 1, ["snapshot"] = 1, ["timestamp"] = 1 }, result.Roles);
        var verified = repo.Verify();
        Assert.Equal(2, verified.Roles["targets"].TargetFiles.Count);
        Assert.Equal(consistent, File.Exists(Path.Combine(repo.Directory, "metadata", "1.targets.json")));
        Assert.Equal(!consistent, File.Exists(Path.Combine(repo.Directory, "metadata", "targets.json")));
        Assert.Equal("alpha", File.ReadAllText(verified.TargetFilePath("a.txt", consistent ? verified.Roles["targets"].TargetFiles["a.txt"].Hashes["sha256"] : null)));
        Assert.False(File.Exists(repo.StagedRolesPath));
    }

    [Fact]
    public async Task Commit_TimestampWrittenLastAndDurably_FolderFlushedAfterItsRename()
    {
        using var repo = new TestRepository();
        var steps = new List<(string Step, string Path)>();
        using (DurableFile.Observe((step, path) => steps.Add((step, path))))
        {
            await repo.CommitAsync();
        }

        string metadata = Path.Combine(repo.Directory, "metadata");
        int renamed = steps.IndexOf(("rename", Path.Combine(metadata, "timestamp.json")));
        Assert.True(renamed > 0, string.Join(", ", steps));
        Assert.Equal("fsync-file", steps[renamed - 1].Step);
        Assert.Equal(("fsync-dir", metadata), steps[renamed + 1]);
    }

    [Fact]
    public async Task Commit_SnapshotAndTimestamp_DescribeExactBytesWritten()
    {
        using var repo = new TestRepository();
        await repo.CommitAsync();
        var verified = repo.Verify();
        byte[] targets = File.ReadAllBytes(Path.Combine(repo.Directory, "metadata", "1.targets.json"));
        var meta = verified.Snapshot.Meta["targets.json"];
        Assert.Equal(targets.Length, meta.Length);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(targets)), meta.Hashes!["sha256"]);
    }

    [Fact]
    public async Task AddCommit_SecondVersion_BumpsOnlyChangedRoles()
    {
        using var repo = new TestRepository();
        await repo.CommitAsync();
        var editor = repo.Open();
        await editor.AddTargetsAsync([new TargetSource("x", repo.WriteSource("x", "x"))]);
        editor.Save();
        var result = await repo.CommitAsync(repo.Targets, repo.Snapshot, repo.Timestamp);

        Assert.Equal(new Dictionary<string, long> { ["targets"] = 2, ["snapshot"] = 2, ["timestamp"] = 2 }, result.Roles);
        var verified = repo.Verify();
        Assert.Equal(1, verified.Root.Version);
        Assert.Equal(2, verified.Roles["targets"].Version);
    }

    [Fact]
    public async Task RemoveTargets_Committed_TargetGone()
    {
        using var repo = new TestRepository();
        var editor = repo.Open();
        await editor.AddTargetsAsync([new TargetSource("a", repo.WriteSource("a", "1")), new TargetSource("b", repo.WriteSource("b", "2"))]);
        editor.Save();
        await repo.CommitAsync();
        editor = repo.Open();
        editor.RemoveTargets(["a"]);
        editor.Save();
        await repo.CommitAsync();
        Assert.Equal(["b"], repo.Verify().Roles["targets"].TargetFiles.Keys);
    }

    [Fact]
    public async Task AddTargets_HashesInPlace_NoCopyInStagingUntilCommitPublishesBothHashNames()
    {
        using var repo = new TestRepository();
        var editor = repo.Open();
        var added = await editor.AddTargetsAsync([new TargetSource("x/a.txt", repo.WriteSource("a", "hello"))]);
        editor.Save();
        Assert.False(Directory.Exists(Path.Combine(repo.Directory, ".tuf-staging", "blobs")));
        Assert.False(Directory.Exists(Path.Combine(repo.Directory, "targets")));
        Assert.True(File.Exists(Path.Combine(repo.Directory, ".tuf-staging", "sources.json")));

        await repo.CommitAsync();
        string dir = Path.Combine(repo.Directory, "targets", "x");
        Assert.Equal("hello", File.ReadAllText(Path.Combine(dir, added[0].Hashes["sha256"] + ".a.txt")));
        Assert.Equal("hello", File.ReadAllText(Path.Combine(dir, added[0].Hashes["sha512"] + ".a.txt")));
        Assert.False(File.Exists(Path.Combine(repo.Directory, ".tuf-staging", "sources.json")));
    }

    [Fact]
    public async Task Commit_AddedWithLink_PublishesBothHashNamesWithTheSourceContent()
    {
        using var repo = new TestRepository();
        var editor = repo.Open();
        string source = repo.WriteSource("a", "linked");
        var added = await editor.AddTargetsAsync([new TargetSource("x/a.txt", source) { Link = true }]);
        editor.Save();
        Assert.Contains("\"link\":true", File.ReadAllText(Path.Combine(repo.Directory, ".tuf-staging", "sources.json")));
        await repo.CommitAsync();
        string dir = Path.Combine(repo.Directory, "targets", "x");
        Assert.Equal("linked", File.ReadAllText(Path.Combine(dir, added[0].Hashes["sha256"] + ".a.txt")));
        Assert.Equal("linked", File.ReadAllText(Path.Combine(dir, added[0].Hashes["sha512"] + ".a.txt")));
        Assert.Single(repo.Verify().Roles["targets"].TargetFiles);
    }

    [Fact]
    public async Task Commit_TargetHashNamesFirst_PublishesOnlySha256Name()
    {
        using var repo = new TestRepository();
        var editor = repo.Open();
        editor.Settings.PublishAllHashNames = false;
        var added = await editor.AddTargetsAsync([new TargetSource("a.txt", repo.WriteSource("a", "hello"))]);
        await editor.CommitAsync(repo.AllKeys);
        Assert.Equal(["targets/" + added[0].Hashes["sha256"] + ".a.txt"], Directory.EnumerateFiles(Path.Combine(repo.Directory, "targets")).Select(f => "targets/" + Path.GetFileName(f)));
        Assert.False(RepositorySettings.Parse(editor.Settings.ToBytes(), "settings.json").PublishAllHashNames);
        Assert.True(RepositorySettings.Parse("{}"u8, "settings.json").PublishAllHashNames);
    }

    [Fact]
    public async Task AddTargets_Custom_IsStored()
    {
        using var repo = new TestRepository();
        var editor = repo.Open();
        using var custom = JsonDocument.Parse("""{"team":"x","n":3}""");
        await editor.AddTargetsAsync([new TargetSource("a", repo.WriteSource("a", "1"))], custom: custom.RootElement);
        editor.Save();
        await repo.CommitAsync();
        var target = repo.Verify().Roles["targets"].TargetFiles["a"];
        Assert.Equal("x", target.Custom!.Value.GetProperty("team").GetString());
        Assert.Equal(64, target.Hashes["sha256"].Length);
        Assert.Equal(128, target.Hashes["sha512"].Length);
    }

    [Fact]
    public async Task Delegate_PathsAndTerminating_ClientFindsTargetsInDelegatedRoles()
    {
        using var repo = new TestRepository();
        var team = TestRepository.NewKey();
        var other = TestRepository.NewKey();
        var editor = repo.Open();
        editor.Delegate("team", [team.PublicKey], 1, ["apps/*"], null, terminating: true);
        editor.Delegate("other", [other.PublicKey], 1, ["apps/*", "docs/*"], null, terminating: false);
        await editor.AddTargetsAsync([new TargetSource("apps/one", repo.WriteSource("one", "1"))], role: "team");
        await editor.AddTargetsAsync([new TargetSource("docs/two", repo.WriteSource("two", "2"))], role: "other");
        editor.Save();
        await repo.CommitAsync([.. repo.AllKeys, team, other]);

        var verified = repo.Verify();
        Assert.Equal("team", verified.FindTarget("apps/one").Role);
        Assert.Equal("other", verified.FindTarget("docs/two").Role);
        Assert.True(verified.Roles["targets"].Delegations!.Roles![0].Terminating);
    }

    [Fact]
    public async Task Delegate_HashPrefixes_Verifies()
    {
        using var repo = new TestRepository();
        var key = TestRepository.NewKey();
        var editor = repo.Open();
        editor.Delegate("half", [key.PublicKey], 1, null, ["0", "1", "2", "3", "4", "5", "6", "7"], terminating: false);
        editor.Save();
        editor = repo.Open();
        var sources = new List<TargetSource>();
        for (int i = 0; i < 20; i++)
        {
            string path = $"f{i}";
            var role = new DelegatedRole { Name = "half", PathHashPrefixes = ["0", "1", "2", "3", "4", "5", "6", "7"] };
            if (role.IsDelegatedPath(path))
            {
                sources.Add(new TargetSource(path, repo.WriteSource(path, path)));
            }
        }

        await editor.AddTargetsAsync(sources, role: "half");
        editor.Save();
        await repo.CommitAsync([.. repo.AllKeys, key]);
        var verified = repo.Verify();
        Assert.Equal(sources.Count, verified.Roles["half"].TargetFiles.Count);
        Assert.NotEmpty(sources);
    }

    [Fact]
    public async Task DelegateBins_TargetsAddedAfterwards_GoToTheirBin()
    {
        using var repo = new TestRepository();
        var binKey = TestRepository.NewKey();
        var editor = repo.Open();
        editor.DelegateBins(16, [binKey.PublicKey]);
        editor.Save();
        await repo.CommitAsync([.. repo.AllKeys, binKey]);

        editor = repo.Open();
        var sources = Enumerable.Range(0, 50).Select(i => new TargetSource($"pkg/{i}.bin", repo.WriteSource($"{i}.bin", $"content {i}"))).ToList();
        await editor.AddTargetsAsync(sources);
        editor.Save();
        await repo.CommitAsync(repo.Targets, repo.Snapshot, repo.Timestamp, binKey);

        var verified = repo.Verify();
        Assert.Equal(17, verified.Roles.Count);
        Assert.Empty(verified.Roles["targets"].TargetFiles);
        var bins = verified.Roles["targets"].Delegations!.SuccinctRoles!;
        foreach (var source in sources)
        {
            Assert.Equal(bins.GetRoleForTarget(source.TargetPath), verified.FindTarget(source.TargetPath).Role);
        }
    }

    [Fact]
    public async Task DelegateBins_AddOneTarget_RewritesOnlyItsBin()
    {
        using var repo = new TestRepository();
        var binKey = TestRepository.NewKey();
        var editor = repo.Open();
        editor.DelegateBins(8, [binKey.PublicKey]);
        await editor.AddTargetsAsync(Enumerable.Range(0, 40).Select(i => new TargetSource($"t{i}", repo.WriteSource($"t{i}", $"{i}"))).ToList());
        editor.Save();
        await repo.CommitAsync([.. repo.AllKeys, binKey]);
        var before = Directory.GetFiles(Path.Combine(repo.Directory, "metadata")).ToHashSet();

        editor = repo.Open();
        await editor.AddTargetsAsync([new TargetSource("new-one", repo.WriteSource("new-one", "n"))]);
        editor.Save();
        var result = await repo.CommitAsync(repo.Snapshot, repo.Timestamp, binKey);

        string bin = new SuccinctRoles { NamePrefix = "bins", BitLength = 3 }.GetRoleForTarget("new-one");
        Assert.Equal(new Dictionary<string, long> { [bin] = 2, ["snapshot"] = 2, ["timestamp"] = 2 }, result.Roles);
        var added = Directory.GetFiles(Path.Combine(repo.Directory, "metadata")).Where(f => !before.Contains(f)).Select(Path.GetFileName).Order().ToList();
        Assert.Equal([$"2.{bin}.json", "2.snapshot.json"], added);
        repo.Verify();
    }

    [Fact]
    public async Task Commit_NothingStaged_ReturnsEmptyAndWritesNothing()
    {
        using var repo = new TestRepository();
        await repo.CommitAsync();
        string before = repo.Fingerprint();
        var result = await repo.CommitAsync();
        Assert.True(result.IsEmpty);
        Assert.Equal(before, repo.Fingerprint());
    }

    [Fact]
    public async Task CommitRefresh_NewSnapshotAndTimestampOnly()
    {
        using var repo = new TestRepository();
        await repo.CommitAsync();
        repo.Time.Advance(TimeSpan.FromDays(3));
        var result = await repo.Open().CommitAsync(repo.OnlineKeys, refresh: true);
        Assert.Equal(new Dictionary<string, long> { ["snapshot"] = 2, ["timestamp"] = 2 }, result.Roles);
        var verified = repo.Verify();
        Assert.Equal(repo.Time.GetUtcNow().AddDays(1), verified.Timestamp.Expires);
    }

    [Fact]
    public async Task Expire_Timestamp_AppliesAtNextCommit()
    {
        using var repo = new TestRepository();
        await repo.CommitAsync();
        var editor = repo.Open();
        editor.Expire("timestamp", 3);
        editor.Save();
        var result = await repo.CommitAsync(repo.Snapshot, repo.Timestamp);
        Assert.Equal(2, result.Roles["timestamp"]);
        Assert.Equal(TestRepository.Start.AddDays(3), repo.Verify().Timestamp.Expires);
    }

    [Fact]
    public async Task Expire_Targets_StagesNewVersionWithExpiry()
    {
        using var repo = new TestRepository();
        await repo.CommitAsync();
        var editor = repo.Open();
        editor.Expire("targets", 30);
        editor.Save();
        await repo.CommitAsync(repo.Targets, repo.Snapshot, repo.Timestamp);
        var verified = repo.Verify();
        Assert.Equal(2, verified.Roles["targets"].Version);
        Assert.Equal(TestRepository.Start.AddDays(30), verified.Roles["targets"].Expires);
    }

    [Fact]
    public async Task RotateRoot_NewRootSignedByOldAndNewKeys_Verifies()
    {
        using var repo = new TestRepository();
        await repo.CommitAsync();
        var oldRoot = repo.RootKeys[0];
        var newRoot = TestRepository.NewKey();
        var editor = repo.Open();
        editor.RotateKeys("root", [oldRoot.KeyId], [newRoot.PublicKey]);
        editor.Save();

        // The new key alone meets the new root's threshold but not the trusted one's.
        var ex = await Assert.ThrowsAsync<SigningException>(() => repo.Open().CommitAsync([newRoot, repo.Snapshot, repo.Timestamp]));
        Assert.Contains("trusted keys", ex.Message);

        await repo.CommitAsync(oldRoot, newRoot, repo.Snapshot, repo.Timestamp);
        var verified = repo.Verify();
        Assert.Equal(2, verified.Root.Version);
        Assert.Equal([newRoot.KeyId], verified.Root.Roles["root"].KeyIds);
        Assert.False(verified.Root.Keys.ContainsKey(oldRoot.KeyId));
    }

    [Fact]
    public async Task RotateTimestampAndSnapshotKeys_NewVersionsSignedByNewKeys()
    {
        using var repo = new TestRepository();
        await repo.CommitAsync();
        var newTimestamp = TestRepository.NewKey();
        var newSnapshot = TestRepository.NewKey();
        var editor = repo.Open();
        editor.RotateKeys("timestamp", [repo.Timestamp.KeyId], [newTimestamp.PublicKey]);
        editor.RotateKeys("snapshot", [repo.Snapshot.KeyId], [newSnapshot.PublicKey]);
        editor.Save();

        // Old online keys no longer count.
        await Assert.ThrowsAsync<SigningException>(() => repo.Open().CommitAsync([repo.RootKeys[0], repo.Snapshot, repo.Timestamp]));
        var result = await repo.CommitAsync(repo.RootKeys[0], newSnapshot, newTimestamp);
        Assert.Equal(2, result.Roles["timestamp"]);
        Assert.Equal(2, result.Roles["snapshot"]);
        repo.Verify();
    }

    [Fact]
    public async Task RotateTargetsKey_RestagesTargetsForNewKey()
    {
        using var repo = new TestRepository();
        await repo.CommitAsync();
        var newTargets = TestRepository.NewKey();
        var editor = repo.Open();
        editor.RotateKeys("targets", [repo.Targets.KeyId], [newTargets.PublicKey]);
        editor.Save();
        var result = await repo.CommitAsync(repo.RootKeys[0], newTargets, repo.Snapshot, repo.Timestamp);
        Assert.Equal(2, result.Roles["targets"]);
        Assert.Equal(2, result.Roles["root"]);
        repo.Verify();
    }

    [Fact]
    public async Task ThresholdSigning_TwoPeople_CommitOnlyWhenThresholdMet()
    {
        using var repo = new TestRepository(rootKeys: 2, rootThreshold: 2);
        var alice = repo.RootKeys[0];
        var bob = repo.RootKeys[1];

        string before = repo.Fingerprint();
        await Assert.ThrowsAsync<SigningException>(() => repo.Open().CommitAsync([alice, repo.Targets, repo.Snapshot, repo.Timestamp]));
        Assert.Equal(before, repo.Fingerprint());

        var editor = repo.Open();
        await editor.SignAsync("root", alice);
        editor.Save();
        byte[] stagedAfterAlice = repo.ReadStagedRole("root");
        await Assert.ThrowsAsync<SigningException>(() => repo.Open().CommitAsync([repo.Targets, repo.Snapshot, repo.Timestamp]));

        editor = repo.Open();
        await editor.SignAsync("root", bob);
        editor.Save();
        var staged = MetadataParser.Parse<Root>(repo.ReadStagedRole("root"));
        Assert.Equal(MetadataParser.Parse<Root>(stagedAfterAlice).SignedBytes.ToArray(), staged.SignedBytes.ToArray());
        Assert.Equal(2, staged.Signatures.Count);

        await repo.CommitAsync(repo.Targets, repo.Snapshot, repo.Timestamp);
        Assert.Equal(2, repo.Verify().Root.Roles["root"].Threshold);
    }

    [Fact]
    public async Task Sign_KeyNotOfRole_Refused()
    {
        using var repo = new TestRepository();
        var ex = await Assert.ThrowsAsync<SigningException>(() => repo.Open().SignAsync("root", repo.Targets));
        Assert.Contains("not a key of role 'root'", ex.Message);
    }

    [Fact]
    public async Task Commit_MissingTargetsKey_NothingWritten()
    {
        using var repo = new TestRepository();
        string before = repo.Fingerprint();
        var ex = await Assert.ThrowsAsync<SigningException>(() => repo.Open().CommitAsync([repo.RootKeys[0], repo.Snapshot, repo.Timestamp]));
        Assert.Contains("targets", ex.Message);
        Assert.Equal(before, repo.Fingerprint());
        Assert.False(Directory.Exists(Path.Combine(repo.Directory, "metadata")));
    }

    [Theory]
    [InlineData("/abs")]
    [InlineData("../up")]
    [InlineData("a/../b")]
    [InlineData("a//b")]
    [InlineData("a\\b")]
    [InlineData("")]
    [InlineData("./a")]
    [InlineData("a/..")]
    [InlineData("C:x")]
    [InlineData("a\u0000b")]
    [InlineData("a\nb")]
    public async Task AddTargets_UnsafePath_RefusedAndUnchanged(string path)
    {
        using var repo = new TestRepository();
        string source = repo.WriteSource("s", "s");
        string before = repo.Fingerprint();
        var e = await Assert.ThrowsAsync<SigningException>(() => repo.Open().AddTargetsAsync([new TargetSource(path, source)]));
        Assert.StartsWith("invalid target path '", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(before, repo.Fingerprint());
    }

    [Fact]
    public async Task AddTargets_MissingFile_RefusedAndUnchanged()
    {
        using var repo = new TestRepository();
        string before = repo.Fingerprint();
        var ex = await Assert.ThrowsAsync<SigningException>(() => repo.Open().AddTargetsAsync([new TargetSource("a", repo.WriteSource("a", "a")), new TargetSource("b", "/nonexistent/file")]));
        Assert.Contains("no such file", ex.Message);
        Assert.Equal(before, repo.Fingerprint());
    }

    [Fact]
    public async Task AddTargets_UnknownRoleOrPathNotDelegated_Refused()
    {
        using var repo = new TestRepository();
        var editor = repo.Open();
        string source = repo.WriteSource("s", "s");
        await Assert.ThrowsAsync<SigningException>(() => editor.AddTargetsAsync([new TargetSource("a", source)], role: "nobody"));
        editor.Delegate("apps", [TestRepository.NewKey().PublicKey], 1, ["apps/*"], null, false);
        var ex = await Assert.ThrowsAsync<SigningException>(() => editor.AddTargetsAsync([new TargetSource("docs/a", source)], role: "apps"));
        Assert.Contains("not delegated", ex.Message);
    }

    [Fact]
    public void Delegate_PathsEscapingDelegator_Refused()
    {
        using var repo = new TestRepository();
        var editor = repo.Open();
        var key = TestRepository.NewKey().PublicKey;
        editor.Delegate("apps", [key], 1, ["apps/*"], null, false);
        editor.Delegate("apps-web", [key], 1, ["apps/web-*"], null, false, from: "apps");
        var ex = Assert.Throws<SigningException>(() => editor.Delegate("sneaky", [key], 1, ["docs/*"], null, false, from: "apps"));
        Assert.Contains("escapes", ex.Message);
        Assert.Throws<SigningException>(() => editor.Delegate("sneaky2", [key], 1, ["*/*"], null, false, from: "apps"));
    }

    [Fact]
    public void Delegate_BadInput_Refused()
    {
        using var repo = new TestRepository();
        var editor = repo.Open();
        var key = TestRepository.NewKey().PublicKey;
        Assert.Throws<SigningException>(() => editor.Delegate("t", [key], 2, ["a/*"], null, false));
        Assert.Throws<SigningException>(() => editor.Delegate("targets", [key], 1, ["a/*"], null, false));
        Assert.Throws<SigningException>(() => editor.Delegate("t", [key], 1, ["a/*"], ["ab"], false));
        Assert.Throws<SigningException>(() => editor.Delegate("t", [key], 1, null, ["XY"], false));
        Assert.Throws<SigningException>(() => editor.Delegate("t", [key], 1, ["a/*"], null, false, from: "nobody"));
        Assert.Throws<SigningException>(() => editor.DelegateBins(3, [key]));
    }

    [Fact]
    public void Init_ThresholdLargerThanKeys_Refused()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tuf-signing-tests", Guid.NewGuid().ToString("N"));
        var k = TestRepository.NewKey().PublicKey;
        var ex = Assert.Throws<SigningException>(() => RepositoryEditor.Init(dir, new RepositoryInitOptions
        {
            RootKeys = [k], RootThreshold = 2, TargetsKeys = [k], SnapshotKeys = [k], TimestampKeys = [k],
        }));
        Assert.Contains("threshold 2", ex.Message);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void Open_NotARepository_Refused()
    {
        var ex = Assert.Throws<SigningException>(() => RepositoryEditor.Open(Path.GetTempPath()));
        Assert.Contains("not a tuf repository", ex.Message);
    }

    [Fact]
    public async Task Status_ReportsStagedAndSignatures()
    {
        using var repo = new TestRepository();
        var status = repo.Open().GetStatus();
        Assert.Equal(["root", "targets"], status.Select(s => s.Name));
        Assert.All(status, s => Assert.True(s.IsStaged));
        Assert.All(status, s => Assert.False(s.IsSigned));
        await repo.CommitAsync();
        status = repo.Open().GetStatus();
        Assert.Equal(["root", "targets", "snapshot", "timestamp"], status.Select(s => s.Name));
        Assert.All(status, s => Assert.True(s.IsSigned && !s.IsStaged));
    }
}
