using System.Text;
using Tuf.Internal;
using Tuf.Testing;

namespace Tuf.Client.Tests;

public sealed class UpdaterTests : UpdaterTestBase
{
    [Fact]
    public async Task Refresh_FreshRepository_PersistsTopLevelMetadataExactly()
    {
        await RefreshAsync();

        Assert.Equal(Sim.SignedRoots[0], LocalBytes("root"));
        Assert.Equal(Sim.SignedBytesOf("timestamp"), LocalBytes("timestamp"));
        Assert.Equal(Sim.SignedBytesOf("snapshot"), LocalBytes("snapshot"));
        Assert.Equal(Sim.SignedBytesOf("targets"), LocalBytes("targets"));
    }

    [Fact]
    public async Task Refresh_ConsistentSnapshot_FetchesVersionedNamesInSpecOrder()
    {
        await RefreshAsync();

        Assert.Equal(
            new (string, long?)[] { ("root", 2), ("timestamp", null), ("snapshot", 1), ("targets", 1) },
            Sim.MetadataRequests);
    }

    [Fact]
    public async Task Refresh_NoConsistentSnapshot_FetchesPlainNames()
    {
        Sim.Root.ConsistentSnapshot = false;
        Sim.PublishRoot();
        File.WriteAllBytes(Path.Combine(MetadataDir, "root.json"), Sim.SignedRoots[0]);

        await RefreshAsync();

        Assert.Equal(
            new (string, long?)[] { ("root", 2), ("timestamp", null), ("snapshot", null), ("targets", null) },
            Sim.MetadataRequests);
    }

    [Fact]
    public async Task Refresh_SecondRunWithNothingNew_UsesCachedSnapshotAndTargets()
    {
        await RefreshAsync();
        Sim.MetadataRequests.Clear();

        await RefreshAsync();

        Assert.Equal(new (string, long?)[] { ("root", 2), ("timestamp", null) }, Sim.MetadataRequests);
    }

    [Fact]
    public async Task Refresh_NewTargetsVersion_DownloadsOnlyWhatChanged()
    {
        await RefreshAsync();
        Sim.Targets.Version++;
        Sim.UpdateSnapshot();
        Sim.MetadataRequests.Clear();

        await RefreshAsync();

        Assert.Equal(new (string, long?)[] { ("root", 2), ("timestamp", null), ("snapshot", 2), ("targets", 2) }, Sim.MetadataRequests);
        Assert.Equal(2, LocalVersion("targets"));
    }

    [Fact]
    public async Task Refresh_RootRotations_WalksEveryVersionAndPersistsTheLast()
    {
        for (int i = 0; i < 5; i++)
        {
            Sim.BumpRoot();
        }

        await RefreshAsync();

        Assert.Equal(6, LocalVersion("root"));
        Assert.Equal(Sim.SignedRoots[5], LocalBytes("root"));
        Assert.Equal(Enumerable.Range(2, 6).Select(v => ("root", (long?)v)), Sim.MetadataRequests.Where(r => r.Role == "root"));
    }

    [Fact]
    public async Task Refresh_MaxRootRotations_StopsAfterTheLimit()
    {
        for (int i = 0; i < 5; i++)
        {
            Sim.BumpRoot();
        }

        await RefreshAsync(new UpdaterOptions { MaxRootRotations = 2 });

        Assert.Equal(3, LocalVersion("root"));
    }

    [Fact]
    public async Task Refresh_BootstrapRoot_UsedAndStoredWhenDirectoryIsEmpty()
    {
        File.Delete(Path.Combine(MetadataDir, "root.json"));
        using var updater = NewUpdater(bootstrap: Sim.SignedRoots[0]);

        await updater.RefreshAsync(CancellationToken.None);

        Assert.Equal(Sim.SignedRoots[0], LocalBytes("root"));
    }

    [Fact]
    public async Task Refresh_NoRootAndNoBootstrap_ThrowsFileNotFound()
    {
        File.Delete(Path.Combine(MetadataDir, "root.json"));
        using var updater = NewUpdater();

        await Assert.ThrowsAsync<FileNotFoundException>(() => updater.RefreshAsync(CancellationToken.None));
    }

    [Fact]
    public async Task DownloadTarget_ConsistentSnapshot_FetchesHashPrefixedNameAndStoresVerifiedBytes()
    {
        byte[] content = Encoding.UTF8.GetBytes("hello target");
        var file = Sim.AddTarget("targets", content, "dir/sub/file.txt");
        Sim.Targets.Version++;
        Sim.UpdateSnapshot();
        using var updater = NewUpdater();

        var info = await updater.GetTargetInfoAsync("dir/sub/file.txt", CancellationToken.None);
        Assert.NotNull(info);
        Assert.Null(await updater.FindCachedTargetAsync(info, null, CancellationToken.None));
        string path = await updater.DownloadTargetAsync(info, null, null, CancellationToken.None);

        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Equal(Path.Combine(TargetDir, "dir%2Fsub%2Ffile.txt"), path);
        Assert.Equal([$"dir/sub/{file.Hashes["sha256"]}.file.txt"], Sim.TargetRequests);
        Assert.Equal(path, await updater.FindCachedTargetAsync(info, null, CancellationToken.None));
    }

    [Fact]
    public async Task DownloadTarget_NoConsistentSnapshot_FetchesPlainPath()
    {
        Sim.Root.ConsistentSnapshot = false;
        Sim.BumpRoot();
        Sim.AddTarget("targets", [1, 2, 3], "a/b.bin");
        Sim.Targets.Version++;
        Sim.UpdateSnapshot();
        using var updater = NewUpdater();

        var result = await updater.DownloadVerifiedAsync("a/b.bin", CancellationToken.None);

        Assert.True(result.Downloaded);
        Assert.Equal(["a/b.bin"], Sim.TargetRequests);
    }

    [Fact]
    public async Task DownloadVerified_CachedCopyValid_DoesNotDownloadAgain()
    {
        Sim.AddTarget("targets", [9, 9, 9], "t.bin");
        Sim.Targets.Version++;
        Sim.UpdateSnapshot();
        using (var first = NewUpdater())
        {
            Assert.True((await first.DownloadVerifiedAsync("t.bin", CancellationToken.None)).Downloaded);
        }

        Sim.TargetRequests.Clear();
        using var second = NewUpdater();
        var again = await second.DownloadVerifiedAsync("t.bin", CancellationToken.None);

        Assert.False(again.Downloaded);
        Assert.Empty(Sim.TargetRequests);
    }

    [Fact]
    public async Task DownloadVerified_CachedCopyTampered_DownloadsAgain()
    {
        Sim.AddTarget("targets", [9, 9, 9], "t.bin");
        Sim.Targets.Version++;
        Sim.UpdateSnapshot();
        using var updater = NewUpdater();
        var first = await updater.DownloadVerifiedAsync("t.bin", CancellationToken.None);
        File.WriteAllBytes(first.LocalPath, [6, 6, 6]);

        var again = await updater.DownloadVerifiedAsync("t.bin", CancellationToken.None);

        Assert.True(again.Downloaded);
        Assert.Equal(new byte[] { 9, 9, 9 }, File.ReadAllBytes(again.LocalPath));
    }

    [Fact]
    public async Task DownloadVerified_UnknownTarget_ThrowsTargetNotFound()
    {
        using var updater = NewUpdater();

        var ex = await Assert.ThrowsAsync<TargetNotFoundException>(() => updater.DownloadVerifiedAsync("nope", CancellationToken.None));
        Assert.Equal("nope", ex.TargetPath);
    }

    [Fact]
    public async Task DownloadTarget_WrongContent_ThrowsAndLeavesNoFile()
    {
        Sim.AddTarget("targets", [1, 2, 3], "t.bin");
        Sim.Targets.Version++;
        Sim.UpdateSnapshot();
        Sim.Artifacts["t.bin"] = [1, 2, 4];
        using var updater = NewUpdater();

        await Assert.ThrowsAsync<LengthOrHashMismatchException>(() => updater.DownloadVerifiedAsync("t.bin", CancellationToken.None));

        Assert.Empty(Directory.GetFiles(TargetDir));
    }

    [Fact]
    public async Task DownloadTarget_LongerContent_ThrowsLengthExceededAndLeavesNoFile()
    {
        Sim.AddTarget("targets", [1, 2, 3], "t.bin");
        Sim.Targets.Version++;
        Sim.UpdateSnapshot();
        Sim.Artifacts["t.bin"] = [1, 2, 3, 4];
        using var updater = NewUpdater();

        await Assert.ThrowsAsync<DownloadLengthExceededException>(() => updater.DownloadVerifiedAsync("t.bin", CancellationToken.None));

        Assert.Empty(Directory.GetFiles(TargetDir));
    }

    [Fact]
    public async Task DownloadTarget_Sha512AndSha256_BothVerifiedFirstHashInUrl()
    {
        Sim.TargetHashAlgorithms.Add("sha512");
        var file = Sim.AddTarget("targets", [5, 5], "two-hashes.bin");
        Sim.Targets.Version++;
        Sim.UpdateSnapshot();
        using var updater = NewUpdater();

        await updater.DownloadVerifiedAsync("two-hashes.bin", CancellationToken.None);

        Assert.Equal([$"{file.Hashes.Values.First()}.two-hashes.bin"], Sim.TargetRequests);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../../etc/passwd")]
    [InlineData("/abs/path")]
    [InlineData("a/../../b")]
    [InlineData(".")]
    public async Task DownloadTarget_DubiousTargetPath_StaysInsideTargetDirectory(string targetPath)
    {
        Sim.Root.ConsistentSnapshot = false;
        Sim.BumpRoot();
        Sim.AddTarget("targets", [7], targetPath);
        Sim.Targets.Version++;
        Sim.UpdateSnapshot();
        using var updater = NewUpdater();

        var result = await updater.DownloadVerifiedAsync(targetPath, CancellationToken.None);

        Assert.Equal(TargetDir, Path.GetDirectoryName(result.LocalPath));
        Assert.Single(Directory.GetFiles(TargetDir));
    }

    [Fact]
    public async Task Refresh_DelegatedRoleNameWithSlash_PercentEncodedInUrlAndFileName()
    {
        var role = new DelegatedRole { Name = "../a/b c", Paths = ["*"], Threshold = 1 };
        Sim.AddDelegation("targets", role);
        Sim.Targets.Version++;
        Sim.UpdateSnapshot();
        using var updater = NewUpdater();

        Assert.Null(await updater.GetTargetInfoAsync("missing", CancellationToken.None));

        Assert.Contains(("../a/b c", 1L), Sim.MetadataRequests.Select(r => (r.Role, r.Version ?? 0)));
        Assert.True(File.Exists(Path.Combine(MetadataDir, "..%2Fa%2Fb%20c.json")));
    }

    [Fact]
    public async Task Refresh_FinalRootExpired_PersistsNewRootButNothingElse()
    {
        await RefreshAsync();
        Sim.BumpRoot(r => r.Expires = Now.AddDays(-1));
        Sim.Targets.Version++;
        Sim.UpdateSnapshot();
        Sim.MetadataRequests.Clear();

        using var updater = NewUpdater();
        var ex = await Assert.ThrowsAsync<ExpiredMetadataException>(() => updater.RefreshAsync(CancellationToken.None));

        Assert.Equal("root", ex.Role);
        Assert.Equal(2, LocalVersion("root"));
        Assert.Equal(1, LocalVersion("timestamp"));
        Assert.Equal(1, LocalVersion("snapshot"));
        Assert.Equal(new (string, long?)[] { ("root", 2), ("root", 3) }, Sim.MetadataRequests);
    }

    [Fact]
    public async Task Refresh_LocalTimestampExpiredNewOneValid_Succeeds()
    {
        Sim.Timestamp.Expires = Now.AddDays(7);
        Sim.Root.Expires = Sim.Targets.Expires = Sim.Snapshot.Expires = Now.AddDays(60);
        Sim.BumpRoot();
        Sim.UpdateSnapshot();
        await RefreshAsync();
        Sim.Targets.Version++;
        Sim.UpdateSnapshot();
        Sim.Timestamp.Expires = Now.AddDays(21);
        Sim.UpdateTimestamp();
        Clock.Advance(TimeSpan.FromDays(18));

        await RefreshAsync();

        Assert.Equal(2, LocalVersion("targets"));
        Assert.Equal(Sim.Timestamp.Version, LocalVersion("timestamp"));
    }

    [Fact]
    public async Task Refresh_BrokenRootInTheMiddleOfTheChain_PersistsTheLastGoodRoot()
    {
        Sim.BumpRoot();
        Sim.BumpRoot();
        Sim.Root.Version++;
        Sim.SignedRoots.Add(RepositorySimulator.Sign(Sim.Root, [Sim.NewKey()]));

        using var updater = NewUpdater();
        await Assert.ThrowsAsync<UnsignedMetadataException>(() => updater.RefreshAsync(CancellationToken.None));

        Assert.Equal(Sim.SignedRoots[2], LocalBytes("root"));
    }

    [Fact]
    public async Task Refresh_LeftoverTempFileFromCrash_IgnoredAndStateIntact()
    {
        await RefreshAsync();
        File.WriteAllBytes(Path.Combine(MetadataDir, ".tmp-0123456789abcdef"), [1, 2]); // a write torn by a crash
        File.WriteAllBytes(Path.Combine(MetadataDir, "snapshot.json"), [(byte)'{']);    // a corrupted cache entry
        Sim.MetadataRequests.Clear();

        await RefreshAsync();

        Assert.Equal(Sim.SignedBytesOf("snapshot"), LocalBytes("snapshot"));
        Assert.Contains(("snapshot", 1L), Sim.MetadataRequests.Select(r => (r.Role, r.Version ?? 0)));
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NewUpdater(new UpdaterOptions { MaxDelegations = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => NewUpdater(new UpdaterOptions { TimestampMaxLength = 0 }));
    }

    /// <summary>A top-level targets file of about <paramref name="targets"/> × 150 bytes, listed in the snapshot with its length.</summary>
    private void LargeTargets(int targets)
    {
        Sim.ComputeMetafileHashesAndLength = true;
        for (int i = 0; i < targets; i++)
        {
            Sim.AddTarget("targets", [(byte)i], $"file-{i:D5}.bin");
        }

        Sim.Targets.Version++;
        Sim.UpdateSnapshot();
    }

    [Fact]
    public async Task Refresh_UnchangedTargetsLargerThanTheDefaultCap_ReadFromTheCacheNotFetchedAgain()
    {
        LargeTargets(100);
        var options = new UpdaterOptions { TargetsMaxLength = 2_000 }; // the snapshot lists a larger length, which wins
        await RefreshAsync(options);
        Assert.True(LocalBytes("targets")!.Length > 2_000);
        Sim.MetadataRequests.Clear();

        await RefreshAsync(new UpdaterOptions { TargetsMaxLength = 2_000 });

        Assert.DoesNotContain(Sim.MetadataRequests, r => r.Role == "targets");
    }

    [Fact]
    public async Task Refresh_MaxMetadataLength_CapsARoleEvenWhenTheSnapshotListsMore()
    {
        LargeTargets(100);
        int length = Sim.SignedBytesOf("targets").Length;

        var ex = await Assert.ThrowsAsync<DownloadLengthExceededException>(() => RefreshAsync(new UpdaterOptions { MaxMetadataLength = 5_000 }));

        Assert.True(length > 5_000);
        Assert.Equal(5_000, ex.MaxLength);
        Assert.Null(LocalBytes("targets"));
    }

    [Fact]
    public void Options_MaxMetadataLengthBelowOne_Refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NewUpdater(new UpdaterOptions { MaxMetadataLength = 0 }));
    }

    [Fact]
    public async Task Refresh_PersistsEveryNewRoleDurably_FolderFlushedAfterEachRename()
    {
        // A power loss must not bring back an older trusted role after the refresh returned: each file is flushed,
        // renamed into place, and then the metadata folder is flushed.
        var steps = new List<(string Step, string Path)>();
        using (DurableFile.Observe((step, path) => steps.Add((step, path))))
        {
            await RefreshAsync();
        }

        foreach (var role in new[] { "timestamp", "snapshot", "targets" })
        {
            string file = Path.Combine(MetadataDir, role + ".json");
            int renamed = steps.IndexOf(("rename", file));
            Assert.True(renamed > 0, $"{role}.json was not renamed into place: {string.Join(", ", steps)}");
            Assert.Equal("fsync-file", steps[renamed - 1].Step);
            Assert.Equal(("fsync-dir", MetadataDir), steps[renamed + 1]);
        }
    }
}
