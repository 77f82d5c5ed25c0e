using System.Security.Cryptography;
using Tuf.Client;
using Tuf.Server.Tests.TestKit;

namespace Tuf.Server.Tests.Integration;

/// <summary>Our own client (Tuf.Client.Updater over real HTTP) reads collections from the standard TUF layout routes.</summary>
public sealed class UpdaterIntegrationTests
{
    [Fact]
    public async Task Updater_StandardLayout_DownloadsVerifiedHostedTargetAndFollowsUpdates()
    {
        using var host = ServerHost.Start();
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/client-app");
        var v1 = c.AddTarget("dir/app.bin", "version one");
        var root = c.SignedRoot();
        await ServedState.AssertOkAsync(await TestCollection.PublishAsync(host.Client, c.Gun, [("root", root), ("targets", c.SignedTargets())], [("dir/app.bin", v1)]));

        var work = TestKit.TestDirs.New("tuf-updater-it-").FullName;
        Updater NewUpdater() => new(
            Path.Combine(work, "metadata"),
            new Uri(host.BaseAddress, c.Gun + "/metadata/"),
            Path.Combine(work, "targets"),
            new Uri(host.BaseAddress, c.Gun + "/targets/"),
            bootstrapRoot: root);

        using (var updater = NewUpdater())
        {
            await updater.RefreshAsync(CancellationToken.None);
            var target = await updater.DownloadVerifiedAsync("dir/app.bin", CancellationToken.None);
            Assert.Equal(v1, await File.ReadAllBytesAsync(target.LocalPath));
        }

        // A new version (and a root rotation) is picked up by the next refresh.
        using var newRootKey = SigningKey.GenerateEd25519();
        var oldRootKey = c.RootKey;
        c.Root.Version = 2;
        c.Root.Keys.Remove(oldRootKey.KeyId);
        TestCollection.AddRole(c.Root, "root", newRootKey.PublicKey);
        c.Targets.Version = 2;
        var v2 = c.AddTarget("dir/app.bin", "version two");
        await ServedState.AssertOkAsync(await TestCollection.PublishAsync(host.Client, c.Gun,
            [("root", TestCollection.Sign(c.Root, oldRootKey, newRootKey)), ("targets", c.SignedTargets())], [("dir/app.bin", v2)]));

        using (var updater = NewUpdater())
        {
            await updater.RefreshAsync(CancellationToken.None);
            Assert.Equal(2, updater.TrustedRoot!.Version);
            var info = await updater.GetTargetInfoAsync("dir/app.bin", CancellationToken.None);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(v2)), info!.Hashes["sha256"]);
            var target = await updater.DownloadVerifiedAsync("dir/app.bin", CancellationToken.None);
            Assert.Equal(v2, await File.ReadAllBytesAsync(target.LocalPath));
        }
    }

    [Fact]
    public async Task Updater_DelegatedRoleWithSlashInName_ResolvesThroughPercentEncodedRoute()
    {
        using var host = ServerHost.Start();
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/client-delegated");
        c.Targets.Delegations = new Delegations
        {
            Keys = new Dictionary<string, Key> { [c.DelegateKey.KeyId] = c.DelegateKey.PublicKey },
            Roles = [new DelegatedRole { Name = "team/a", KeyIds = [c.DelegateKey.KeyId], Threshold = 1, Paths = ["team-a/*"] }],
        };
        var data = "delegated content"u8.ToArray();
        var delegated = new Targets { Version = 1, Expires = TestCollection.Expires };
        delegated.TargetFiles["team-a/tool.bin"] = new TargetFile
        {
            Path = "team-a/tool.bin",
            Length = data.Length,
            Hashes = new Dictionary<string, string> { ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(data)) },
        };
        var root = c.SignedRoot();
        await ServedState.AssertOkAsync(await TestCollection.PublishAsync(host.Client, c.Gun,
            [("root", root), ("targets", c.SignedTargets()), ("team/a", TestCollection.Sign(delegated, c.DelegateKey))], [("team-a/tool.bin", data)]));

        var work = TestKit.TestDirs.New("tuf-updater-it-").FullName;
        using var updater = new Updater(Path.Combine(work, "metadata"), new Uri(host.BaseAddress, c.Gun + "/metadata/"),
            Path.Combine(work, "targets"), new Uri(host.BaseAddress, c.Gun + "/targets/"), bootstrapRoot: root);
        await updater.RefreshAsync(CancellationToken.None);
        var target = await updater.DownloadVerifiedAsync("team-a/tool.bin", CancellationToken.None);
        Assert.Equal(data, await File.ReadAllBytesAsync(target.LocalPath));
    }
}
