using Tuf.Testing;

namespace Tuf.Client.Tests;

/// <summary>The updater over real HTTP on loopback, with faults injected by the server.</summary>
public sealed class LoopbackUpdaterTests : UpdaterTestBase
{
    private Updater NewHttpUpdater(RepositorySimulatorServer server, UpdaterOptions? options = null)
    {
        options ??= new UpdaterOptions();

        // Real HTTP takes real time: the slow-retrieval guard must measure it (Clock's timestamps move only on Advance),
        // while expiry is still judged at the test's date.
        options.TimeProvider = new RealTimersClock(Clock);
        return new Updater(MetadataDir, server.MetadataUrl, TargetDir, server.TargetsUrl, options: options);
    }

    [Fact]
    public async Task RefreshAndDownload_OverHttp_Succeeds()
    {
        Sim.AddTarget("targets", [1, 2, 3, 4], "dir/file.bin");
        Sim.Targets.Version++;
        Sim.UpdateSnapshot();
        Sim.BumpRoot();
        await using var server = RepositorySimulatorServer.ForSimulator(Sim);
        using var updater = NewHttpUpdater(server);

        var result = await updater.DownloadVerifiedAsync("dir/file.bin", CancellationToken.None);

        Assert.Equal(new byte[] { 1, 2, 3, 4 }, File.ReadAllBytes(result.LocalPath));
        Assert.Equal(
            ["metadata/2.root.json", "metadata/3.root.json", "metadata/timestamp.json", "metadata/2.snapshot.json", "metadata/2.targets.json",
             $"targets/dir/{Sim.TargetsOf("targets").TargetFiles["dir/file.bin"].Hashes["sha256"]}.file.bin"],
            server.Requests);
    }

    [Fact]
    public async Task Refresh_EndlessTimestamp_FailsAtTheCapAndKeepsState()
    {
        await RefreshAsync();
        var before = MetadataState();
        await using var server = RepositorySimulatorServer.ForSimulator(Sim, p => p.EndsWith("timestamp.json", StringComparison.Ordinal)
            ? new ServerResponse(200, []) { Fault = ServerFault.EndlessBody } : null);
        using var updater = NewHttpUpdater(server);

        await Assert.ThrowsAsync<DownloadLengthExceededException>(() => updater.RefreshAsync(CancellationToken.None));

        AssertMetadataState(before);
    }

    [Fact]
    public async Task Refresh_ServerError_FailsWithStatus()
    {
        await using var server = RepositorySimulatorServer.ForSimulator(Sim, p => p.EndsWith("timestamp.json", StringComparison.Ordinal) ? new ServerResponse(503, []) : null);
        using var updater = NewHttpUpdater(server);

        var ex = await Assert.ThrowsAsync<DownloadHttpException>(() => updater.RefreshAsync(CancellationToken.None));
        Assert.Equal(503, ex.StatusCode);
    }

    [Fact]
    public async Task Refresh_ServerErrorOnNextRoot_IsNotTheEndOfTheChain()
    {
        await using var server = RepositorySimulatorServer.ForSimulator(Sim, p => p.EndsWith("2.root.json", StringComparison.Ordinal) ? new ServerResponse(500, []) : null);
        using var updater = NewHttpUpdater(server);

        var ex = await Assert.ThrowsAsync<DownloadHttpException>(() => updater.RefreshAsync(CancellationToken.None));
        Assert.Equal(500, ex.StatusCode);
    }

    [Fact]
    public async Task Refresh_ForbiddenOnNextRoot_EndsTheChain()
    {
        await using var server = RepositorySimulatorServer.ForSimulator(Sim, p => p.EndsWith("2.root.json", StringComparison.Ordinal) ? new ServerResponse(403, []) : null);
        using var updater = NewHttpUpdater(server);

        await updater.RefreshAsync(CancellationToken.None);

        Assert.Equal(1, updater.TrustedRoot!.Version);
    }

    [Fact]
    public async Task Download_SlowTrickleTarget_AbortedAndNothingStored()
    {
        Sim.AddTarget("targets", new byte[4096], "big.bin");
        Sim.Targets.Version++;
        Sim.UpdateSnapshot();
        await using var server = RepositorySimulatorServer.ForSimulator(Sim, p => p.StartsWith("targets/", StringComparison.Ordinal)
            ? new ServerResponse(200, new byte[4096]) { Fault = ServerFault.Trickle, TrickleDelay = TimeSpan.FromMilliseconds(50) } : null);
        using var updater = NewHttpUpdater(server, new UpdaterOptions { MinimumAverageBytesPerSecond = 1000, SlowRetrievalGracePeriod = TimeSpan.FromMilliseconds(300) });

        await Assert.ThrowsAsync<SlowRetrievalException>(() => updater.DownloadVerifiedAsync("big.bin", CancellationToken.None));

        Assert.Empty(Directory.GetFileSystemEntries(TargetDir));
    }

    [Fact]
    public async Task Download_EndlessTarget_StopsAtListedLength()
    {
        Sim.AddTarget("targets", new byte[10], "t.bin");
        Sim.Targets.Version++;
        Sim.UpdateSnapshot();
        await using var server = RepositorySimulatorServer.ForSimulator(Sim, p => p.StartsWith("targets/", StringComparison.Ordinal)
            ? new ServerResponse(200, new byte[10]) { Fault = ServerFault.EndlessBody } : null);
        using var updater = NewHttpUpdater(server);

        await Assert.ThrowsAsync<DownloadLengthExceededException>(() => updater.DownloadVerifiedAsync("t.bin", CancellationToken.None));

        Assert.Empty(Directory.GetFileSystemEntries(TargetDir));
    }

    [Fact]
    public async Task Download_ShortTarget_Refused()
    {
        Sim.AddTarget("targets", new byte[10], "t.bin");
        Sim.Targets.Version++;
        Sim.UpdateSnapshot();
        await using var server = RepositorySimulatorServer.ForSimulator(Sim, p => p.StartsWith("targets/", StringComparison.Ordinal)
            ? new ServerResponse(200, new byte[9]) : null);
        using var updater = NewHttpUpdater(server);

        await Assert.ThrowsAsync<LengthOrHashMismatchException>(() => updater.DownloadVerifiedAsync("t.bin", CancellationToken.None));
        Assert.Empty(Directory.GetFileSystemEntries(TargetDir));
    }
}
