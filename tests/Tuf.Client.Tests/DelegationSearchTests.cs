namespace Tuf.Client.Tests;

/// <summary>Pre-order depth-first delegation search (spec 5.6.7; modelled on python-tuf test_updater_delegation_graphs.py).</summary>
public sealed class DelegationSearchTests : UpdaterTestBase
{
    private sealed record Edge(string Delegator, string Name, string[]? Paths = null, bool Terminating = false, string[]? HashPrefixes = null);

    private void Build(params Edge[] edges)
    {
        foreach (var e in edges)
        {
            var role = new DelegatedRole
            {
                Name = e.Name,
                Terminating = e.Terminating,
                Threshold = 1,
                Paths = e.HashPrefixes is null ? (e.Paths ?? ["*"]).ToList() : null,
                PathHashPrefixes = e.HashPrefixes?.ToList(),
            };
            Sim.AddDelegation(e.Delegator, role);
        }

        Sim.Targets.Version++;
        Sim.UpdateSnapshot();
    }

    private async Task<(TargetFile? Info, string[] Visited)> SearchAsync(string target, UpdaterOptions? options = null)
    {
        using var updater = NewUpdater(options);
        await updater.RefreshAsync(CancellationToken.None);
        Sim.MetadataRequests.Clear();
        var info = await updater.GetTargetInfoAsync(target, CancellationToken.None);
        return (info, Sim.MetadataRequests.Select(r => r.Role).ToArray());
    }

    [Fact]
    public async Task Search_NoMatch_VisitsAllRolesPreorderInListedOrder()
    {
        Build(
            new Edge("targets", "A"),
            new Edge("targets", "B"),
            new Edge("A", "C"),
            new Edge("A", "D"),
            new Edge("B", "E"));

        var (info, visited) = await SearchAsync("missing");

        Assert.Null(info);
        Assert.Equal(["A", "C", "D", "B", "E"], visited);
    }

    [Fact]
    public async Task Search_TargetInDeepRole_StopsThere()
    {
        Build(new Edge("targets", "A"), new Edge("targets", "B"), new Edge("A", "C"), new Edge("A", "D"));
        Sim.AddTarget("C", [1], "file");
        Sim.Delegated["C"].Version++;
        Sim.UpdateSnapshot();

        var (info, visited) = await SearchAsync("file");

        Assert.NotNull(info);
        Assert.Equal(["A", "C"], visited);
    }

    [Fact]
    public async Task Search_TerminatingDelegation_StopsAfterItsSubtree()
    {
        Build(
            new Edge("targets", "A", Terminating: true),
            new Edge("targets", "B"),
            new Edge("A", "C"));

        var (_, visited) = await SearchAsync("missing");

        Assert.Equal(["A", "C"], visited);
    }

    [Fact]
    public async Task Search_TerminatingInSubtree_StopsWholeSearch()
    {
        Build(
            new Edge("targets", "A"),
            new Edge("targets", "B"),
            new Edge("A", "C", Terminating: true),
            new Edge("A", "D"));

        var (_, visited) = await SearchAsync("missing");

        Assert.Equal(["A", "C"], visited);
    }

    [Fact]
    public async Task Search_NonMatchingTerminating_DoesNotStop()
    {
        Build(
            new Edge("targets", "A", Paths: ["other/*"], Terminating: true),
            new Edge("targets", "B"));

        var (_, visited) = await SearchAsync("missing");

        Assert.Equal(["B"], visited);
    }

    [Fact]
    public async Task Search_Cycle_EachRoleVisitedOnce()
    {
        Build(new Edge("targets", "A"), new Edge("A", "B"), new Edge("B", "A"), new Edge("B", "targets2"));

        var (info, visited) = await SearchAsync("missing");

        Assert.Null(info);
        Assert.Equal(["A", "B", "targets2"], visited);
    }

    [Fact]
    public async Task Search_MaxDelegations_StopsVisiting()
    {
        Build(
            new Edge("targets", "A"),
            new Edge("targets", "B"),
            new Edge("targets", "C"),
            new Edge("targets", "D"));

        var (_, visited) = await SearchAsync("missing", new UpdaterOptions { MaxDelegations = 2 });

        // The top-level targets role counts as a visited role (as python-tuf counts it).
        Assert.Equal(["A", "B"], visited);
    }

    [Fact]
    public async Task Search_StarDoesNotMatchSlash()
    {
        Build(new Edge("targets", "A", Paths: ["dir/*"]), new Edge("targets", "B", Paths: ["dir/*/*"]));

        var (_, visited) = await SearchAsync("dir/sub/file");

        Assert.Equal(["B"], visited);
    }

    [Fact]
    public async Task Search_PathsMustMatchAlongTheChain()
    {
        Build(new Edge("targets", "A", Paths: ["a/*"]), new Edge("A", "B", Paths: ["*/*"]));
        Sim.AddTarget("B", [1], "b/x");
        Sim.Delegated["B"].Version++;
        Sim.UpdateSnapshot();

        var (info, visited) = await SearchAsync("b/x");

        Assert.Null(info);
        Assert.Empty(visited);
    }

    [Fact]
    public async Task Search_PathHashPrefixes_VisitOnlyMatchingBin()
    {
        string prefix = RepositorySimulatorHash("file.txt")[..2];
        string other = prefix == "00" ? "01" : "00";
        Build(new Edge("targets", "other", HashPrefixes: [other]), new Edge("targets", "bin", HashPrefixes: [prefix]));

        var (_, visited) = await SearchAsync("file.txt");

        Assert.Equal(["bin"], visited);
    }

    [Fact]
    public async Task Search_SuccinctRoles_FetchesOnlyTheResponsibleBin()
    {
        var succinct = Sim.AddSuccinctRoles("targets", 8, "bins");
        string bin = succinct.GetRoleForTarget("pkg/file.tgz");
        Sim.AddTarget(bin, [4, 2], "pkg/file.tgz");
        Sim.Delegated[bin].Version++;
        Sim.Targets.Version++;
        Sim.UpdateSnapshot();

        var (info, visited) = await SearchAsync("pkg/file.tgz");

        Assert.NotNull(info);
        Assert.Equal([bin], visited);
    }

    [Fact]
    public async Task Search_SecondLookup_UsesRolesAlreadyLoaded()
    {
        Build(new Edge("targets", "A"));
        using var updater = NewUpdater();
        await updater.GetTargetInfoAsync("x", CancellationToken.None);
        Sim.MetadataRequests.Clear();

        await updater.GetTargetInfoAsync("y", CancellationToken.None);

        Assert.Empty(Sim.MetadataRequests);
    }

    /// <summary>targets -> A (a/*) -> R and targets -> B (b/*) -> R, where A and B name different keys for R;
    /// R lists a/x and b/x and is signed by A's key for it (and B's too when <paramref name="signedForB"/>).</summary>
    private void BuildDiamond(bool signedForB)
    {
        Build(new Edge("targets", "A", ["a/*"]), new Edge("targets", "B", ["b/*"]), new Edge("A", "R", ["a/*", "b/*"]));
        var keyOfB = Sim.NewKey();
        Sim.Delegated["B"].Delegations = new Delegations
        {
            Roles = [new DelegatedRole { Name = "R", Paths = ["a/*", "b/*"], Threshold = 1, KeyIds = [keyOfB.KeyId] }],
        };
        Sim.Delegated["B"].Delegations!.Keys[keyOfB.KeyId] = keyOfB.PublicKey;
        if (signedForB)
        {
            Sim.Signers["R"].Add(keyOfB);
        }

        Sim.AddTarget("R", [1], "a/x");
        Sim.AddTarget("R", [2], "b/x");
        Sim.UpdateSnapshot();
    }

    [Fact]
    public async Task Search_DiamondSignedForFirstDelegatorOnly_SecondDelegatorRefusesIt()
    {
        BuildDiamond(signedForB: false);
        using var updater = NewUpdater();
        Assert.NotNull(await updater.GetTargetInfoAsync("a/x", CancellationToken.None));

        var ex = await Assert.ThrowsAsync<UnsignedMetadataException>(() => updater.GetTargetInfoAsync("b/x", CancellationToken.None));

        Assert.Equal("R", ex.Role);
    }

    [Fact]
    public async Task Search_DiamondReachedThroughSecondDelegator_VerifiedAgainWithoutRefetch()
    {
        BuildDiamond(signedForB: true);
        using var updater = NewUpdater();
        Assert.NotNull(await updater.GetTargetInfoAsync("a/x", CancellationToken.None));
        Sim.MetadataRequests.Clear();

        var info = await updater.GetTargetInfoAsync("b/x", CancellationToken.None);

        Assert.NotNull(info);
        Assert.Equal(["B"], Sim.MetadataRequests.Select(r => r.Role).ToArray());
    }

    [Fact]
    public async Task Search_DiamondFromTheCache_VerifiedAgainstTheDelegatorOfThisSearch()
    {
        // R stored locally after a lookup through A; a new updater that looks up b/x loads it from the cache through
        // B, and must verify it against B's keys, not take the stored copy on A's word.
        BuildDiamond(signedForB: false);
        using (var first = NewUpdater())
        {
            Assert.NotNull(await first.GetTargetInfoAsync("a/x", CancellationToken.None));
        }

        using var second = NewUpdater();
        await Assert.ThrowsAsync<UnsignedMetadataException>(() => second.GetTargetInfoAsync("b/x", CancellationToken.None));
    }

    [Fact]
    public async Task Search_DelegatedRoleMissingFromSnapshot_ThrowsRepositoryError()
    {
        Build(new Edge("targets", "A"));
        Sim.Snapshot.Meta.Remove("A.json");
        Sim.Snapshot.Version++;
        Sim.UpdateTimestamp();
        File.Delete(Path.Combine(MetadataDir, "root.json.bak"));
        using var updater = NewUpdater();

        await Assert.ThrowsAsync<RepositoryException>(() => updater.GetTargetInfoAsync("x", CancellationToken.None));
    }

    [Fact]
    public async Task Search_DelegatedRoleCached_NotFetchedAgainByNewUpdater()
    {
        Build(new Edge("targets", "A"));
        await SearchAsync("x");
        Sim.MetadataRequests.Clear();

        using var updater = NewUpdater();
        await updater.GetTargetInfoAsync("x", CancellationToken.None);

        Assert.DoesNotContain(Sim.MetadataRequests, r => r.Role == "A");
    }

    [Fact]
    public async Task Search_DelegatedRoleExpiredWhenFirstSeen_NotTrustedNorStored()
    {
        Build(new Edge("targets", "delegated", Paths: ["delegatedpath/*"]));
        Sim.Delegated["delegated"].Expires = Now.AddDays(-1);
        Sim.AddTarget("delegated", [1], "delegatedpath/target");
        Sim.UpdateSnapshot();
        using var updater = NewUpdater();

        await Assert.ThrowsAsync<ExpiredMetadataException>(() => updater.DownloadVerifiedAsync("delegatedpath/target", CancellationToken.None));

        Assert.Null(LocalBytes("delegated"));
        Assert.Empty(Directory.GetFileSystemEntries(TargetDir));
    }

    [Fact]
    public async Task Search_LocalDelegatedRoleExpired_UsesNewerOneOrFails()
    {
        Sim.Root.Expires = Sim.Timestamp.Expires = Sim.Snapshot.Expires = Sim.Targets.Expires = Now.AddDays(60);
        Sim.BumpRoot();
        Build(new Edge("targets", "delegated", Paths: ["delegatedpath/*"]));
        Sim.Delegated["delegated"].Expires = Now.AddDays(7);
        Sim.AddTarget("delegated", "first"u8.ToArray(), "delegatedpath/first");
        Sim.AddTarget("delegated", "second"u8.ToArray(), "delegatedpath/second");
        Sim.UpdateSnapshot();
        using (var first = NewUpdater())
        {
            await first.DownloadVerifiedAsync("delegatedpath/first", CancellationToken.None);
        }

        Clock.Advance(TimeSpan.FromDays(18));
        using (var stale = NewUpdater())
        {
            await Assert.ThrowsAsync<ExpiredMetadataException>(() => stale.DownloadVerifiedAsync("delegatedpath/second", CancellationToken.None));
        }

        Sim.Delegated["delegated"].Expires = Now.AddDays(21);
        Sim.Delegated["delegated"].Version++;
        Sim.UpdateSnapshot();
        using var fresh = NewUpdater();
        var second = await fresh.DownloadVerifiedAsync("delegatedpath/second", CancellationToken.None);

        Assert.Equal("second"u8.ToArray(), File.ReadAllBytes(second.LocalPath));
        Assert.Equal(2, LocalVersion("delegated"));
    }

    private static string RepositorySimulatorHash(string path) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(path)));
}
