using System.Security.Cryptography;
using Tuf.Rollout;
using Tuf.Testing;
using Xunit.Abstractions;

using Tuf.Client;

namespace Tuf.Rollout.Tests;

/// <summary>The rollout's TUF door: the real <see cref="Updater"/> over the repository simulator.</summary>
public sealed class UpdaterArtifactSourceTests(ITestOutputHelper output) : IDisposable
{
    private const string Target = "app.tar.gz";
    private readonly RolloutTestKit _kit = new(2);
    private readonly RepositorySimulator _sim = new();

    public void Dispose() => _kit.Dispose();

    private UpdaterArtifactSource Source()
    {
        var root = Path.Combine(_kit.Root, "root.json");
        File.WriteAllBytes(root, _sim.SignedRoots[0]);
        var repo = new RepositorySource(RepositorySimulator.MetadataBaseUrl.AbsoluteUri, RepositorySimulator.TargetsBaseUrl.AbsoluteUri,
            Path.Combine(_kit.Root, "trusted"), root);
        return new UpdaterArtifactSource(repo, Path.Combine(_kit.Root, "downloads"), _sim);
    }

    private byte[] Publish(string version, string mode = "ok")
    {
        var bytes = RolloutTestKit.Release(version, mode);
        _sim.AddTarget("targets", bytes, Target);
        _sim.Targets.Version++;
        _sim.UpdateSnapshot();
        return bytes;
    }

    [Fact]
    public async Task ResolveAsync_PublishedTarget_ReturnsVerifiedBytesAndSignedSha256()
    {
        var bytes = Publish("v1");
        var artifact = await Source().ResolveAsync(Target);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), artifact.Sha256);
        Assert.Equal(_sim.Targets.TargetFiles[Target].Hashes["sha256"], artifact.Sha256);
        Assert.Equal(bytes, File.ReadAllBytes(artifact.LocalPath));
    }

    [Fact]
    public async Task ResolveAsync_UnknownTarget_ThrowsTargetNotFound()
    {
        Publish("v1");
        await Assert.ThrowsAsync<TargetNotFoundException>(() => Source().ResolveAsync("missing.tar.gz"));
    }

    [Fact]
    public async Task Watch_WithRealClient_RollsOutNewVersionsAndKeepsLastGoodOnBadMetadata()
    {
        var watcher = new GroupWatcher(_kit.Provider, Source(), Target,
            new RolloutSettings(RolloutTestKit.Fast(parallelism: 0), RolloutTestKit.Fast()), null, _kit.Group.StateDirectory, log: m => output.WriteLine(m));
        Publish("v1");
        Assert.Equal(RolloutPhase.Completed, (await watcher.PassAsync()).RolledOut!.State.Phase);
        Publish("v2");
        Assert.Equal(RolloutPhase.Completed, (await watcher.PassAsync()).RolledOut!.State.Phase);
        Assert.Equal("v2", await _kit.ServedVersionAsync(0));

        // A v3 whose timestamp is signed by a key the root does not know: refused, v2 keeps running.
        Publish("v3");
        _sim.Signers["timestamp"] = [_sim.NewKey()];
        var pass = await watcher.PassAsync();
        Assert.NotNull(pass.Error);
        Assert.Null(pass.RolledOut);
        Assert.Equal("v2", await _kit.ServedVersionAsync(0));
        Assert.Equal("v2", await _kit.ServedVersionAsync(1));
    }
}
