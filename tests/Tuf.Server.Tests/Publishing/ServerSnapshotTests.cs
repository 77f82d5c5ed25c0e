using System.Security.Cryptography;
using System.Text;
using Tuf.Client;
using Tuf.Server.Tests.TestKit;

namespace Tuf.Server.Tests.Publishing;

/// <summary>
/// What the server-built snapshot lists after a delegation is revoked. It keeps every targets role it ever listed
/// (at its last version): TUF 5.5.5 and python-tuf's <c>TrustedMetadataSet.update_snapshot</c> refuse a new
/// snapshot that drops a file the trusted one listed, so dropping the revoked role would make every client that
/// saw it refuse all later updates. Clients still stop trusting the role: it is no longer reachable from targets.
/// </summary>
public sealed class ServerSnapshotTests
{
    [Fact]
    public async Task Publish_NamedDelegationRemoved_SnapshotStillListsRoleAndClientUpdatesButIgnoresIt()
    {
        using var host = ServerHost.Start();
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/revoked");
        c.AddTarget("app.txt", "app");
        c.Targets.Delegations = new Delegations
        {
            Keys = new Dictionary<string, Key> { [c.DelegateKey.KeyId] = c.DelegateKey.PublicKey },
            Roles = [new DelegatedRole { Name = "team", KeyIds = [c.DelegateKey.KeyId], Threshold = 1, Paths = ["team/*"] }],
        };
        var root = c.SignedRoot();
        await ServedState.AssertOkAsync(await TestCollection.PublishAsync(host.Client, c.Gun,
            [("root", root), ("targets", c.SignedTargets()), ("team", SignedDelegated(c, "team/tool.txt"))]));

        using var updater = NewUpdater(host, c, root);
        await updater.RefreshAsync(CancellationToken.None);
        Assert.NotNull(await updater.GetTargetInfoAsync("team/tool.txt", CancellationToken.None));

        // targets v2 revokes the delegation to 'team'.
        c.Targets.Version = 2;
        c.Targets.Delegations = null;
        await ServedState.AssertOkAsync(await TestCollection.PublishAsync(host.Client, c.Gun, [("targets", c.SignedTargets())]));

        var snapshot = await GetSnapshotAsync(host, c.Gun, 2);
        Assert.Equal(["targets.json", "team.json"], snapshot.Meta.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((2L, 1L), (snapshot.Meta["targets.json"].Version, snapshot.Meta["team.json"].Version));

        // The client that trusted snapshot v1 (listing team.json) accepts v2 (5.5.5 holds) and no longer trusts 'team'.
        await updater.RefreshAsync(CancellationToken.None);
        Assert.Null(await updater.GetTargetInfoAsync("team/tool.txt", CancellationToken.None));
        Assert.NotNull(await updater.GetTargetInfoAsync("app.txt", CancellationToken.None));
    }

    [Fact]
    public async Task Publish_SuccinctBinsReplaced_SnapshotStillListsOldBinsAndClientUpdatesWithNewBins()
    {
        using var host = ServerHost.Start();
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/rebinned");
        var keys = new Dictionary<string, Key> { [c.DelegateKey.KeyId] = c.DelegateKey.PublicKey };
        var oldBins = new SuccinctRoles { NamePrefix = "old", BitLength = 1, KeyIds = [c.DelegateKey.KeyId], Threshold = 1 };
        c.Targets.Delegations = new Delegations { Keys = keys, SuccinctRoles = oldBins };
        var root = c.SignedRoot();
        var path = "pkg/a.txt";
        var files = new List<(string, byte[])> { ("root", root), ("targets", c.SignedTargets()) };
        files.AddRange(oldBins.GetRoles().Select(bin => (bin, bin == oldBins.GetRoleForTarget(path) ? SignedDelegated(c, path) : SignedDelegated(c))));
        await ServedState.AssertOkAsync(await TestCollection.PublishAsync(host.Client, c.Gun, files));

        using var updater = NewUpdater(host, c, root);
        await updater.RefreshAsync(CancellationToken.None);
        Assert.NotNull(await updater.GetTargetInfoAsync(path, CancellationToken.None));

        // targets v2 replaces the 'old' bins with 'new' bins; only the bin holding the target is published.
        var newBins = new SuccinctRoles { NamePrefix = "new", BitLength = 1, KeyIds = [c.DelegateKey.KeyId], Threshold = 1 };
        c.Targets.Version = 2;
        c.Targets.Delegations = new Delegations { Keys = keys, SuccinctRoles = newBins };
        var newBin = newBins.GetRoleForTarget(path);
        await ServedState.AssertOkAsync(await TestCollection.PublishAsync(host.Client, c.Gun,
            [("targets", c.SignedTargets()), (newBin, SignedDelegated(c, path, "v2"))]));

        var snapshot = await GetSnapshotAsync(host, c.Gun, 2);
        Assert.Equal([newBin + ".json", "old-0.json", "old-1.json", "targets.json"], snapshot.Meta.Keys.Order(StringComparer.Ordinal));

        await updater.RefreshAsync(CancellationToken.None);
        var info = await updater.GetTargetInfoAsync(path, CancellationToken.None);
        Assert.Equal(Sha256Hex(path + "v2"), info!.Hashes["sha256"]);
    }

    private static Updater NewUpdater(ServerHost host, TestCollection c, byte[] root)
    {
        var work = TestDirs.New("tuf-server-snapshot-").FullName;
        return new Updater(Path.Combine(work, "metadata"), new Uri(host.BaseAddress, c.Gun + "/metadata/"),
            Path.Combine(work, "targets"), new Uri(host.BaseAddress, c.Gun + "/targets/"), bootstrapRoot: root);
    }

    private static async Task<Snapshot> GetSnapshotAsync(ServerHost host, string gun, long version)
    {
        using var response = await host.Client.GetAsync($"{gun}/metadata/{version}.snapshot.json");
        response.EnsureSuccessStatusCode();
        return MetadataParser.Parse<Snapshot>(await response.Content.ReadAsByteArrayAsync()).Signed;
    }

    /// <summary>A delegated role at version 1 listing <paramref name="path"/> (if any), whose hash is that of the path followed by <paramref name="content"/>.</summary>
    private static byte[] SignedDelegated(TestCollection c, string? path = null, string content = "")
    {
        var targets = new Targets { Version = 1, Expires = TestCollection.Expires };
        if (path is not null)
        {
            targets.TargetFiles[path] = new TargetFile
            {
                Path = path,
                Length = 1,
                Hashes = new Dictionary<string, string> { ["sha256"] = Sha256Hex(path + content) },
            };
        }

        return TestCollection.Sign(targets, c.DelegateKey);
    }

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
