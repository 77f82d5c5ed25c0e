using Tuf.Internal;
using Tuf.Rollout;
using Tuf.Rollout.Local;
using Xunit.Abstractions;

namespace Tuf.Rollout.Tests;

public class GroupWatcherTests(ITestOutputHelper output)
{
    private const string Target = "app.tar.gz";

    private GroupWatcher Watcher(RolloutTestKit kit) => new(kit.Provider, kit.Source, Target,
        new RolloutSettings(RolloutTestKit.Fast(parallelism: 0), RolloutTestKit.Fast(parallelism: 0)), null, kit.Group.StateDirectory,
        log: m => output.WriteLine(m));

    private static async Task<bool> AllServeAsync(RolloutTestKit kit, string version) =>
        (await Task.WhenAll(Enumerable.Range(0, kit.Ports.Count).Select(kit.ServedVersionAsync))).All(v => v == version);

    [Fact]
    public async Task PassAsync_NewVersionPublished_RollsItOut()
    {
        using var kit = new RolloutTestKit(2);
        var watcher = Watcher(kit);
        kit.Source.Publish(Target, RolloutTestKit.Release("v1"));
        Assert.NotNull((await watcher.PassAsync()).RolledOut);
        Assert.True(await AllServeAsync(kit, "v1"));

        var idle = await watcher.PassAsync();
        Assert.Null(idle.RolledOut);
        Assert.Empty(idle.Restarted);

        kit.Source.Publish(Target, RolloutTestKit.Release("v2"));
        var pass = await watcher.PassAsync();
        Assert.Equal(RolloutPhase.Completed, pass.RolledOut!.State.Phase);
        Assert.True(await AllServeAsync(kit, "v2"));
    }

    [Fact]
    public async Task PassAsync_RepositoryError_KeepsLastGoodVersionAndReportsIt()
    {
        using var kit = new RolloutTestKit(1);
        var watcher = Watcher(kit);
        kit.Source.Publish(Target, RolloutTestKit.Release("v1"));
        await watcher.PassAsync();
        kit.Source.Failure = new ExpiredMetadataException("timestamp.json is expired");

        var pass = await watcher.PassAsync();
        Assert.Contains("expired", pass.Error);
        Assert.Null(pass.RolledOut);
        Assert.True(await AllServeAsync(kit, "v1"));
    }

    [Fact]
    public async Task PassAsync_FailingVersion_IsNotRetriedUntilANewerOneAppears()
    {
        using var kit = new RolloutTestKit(1);
        var watcher = Watcher(kit);
        kit.Source.Publish(Target, RolloutTestKit.Release("v1"));
        await watcher.PassAsync();
        kit.Source.Publish(Target, RolloutTestKit.Release("v2", "exit"));
        var bad = await watcher.PassAsync();
        Assert.Equal(RolloutPhase.Paused, bad.RolledOut!.State.Phase);
        Assert.Null((await watcher.PassAsync()).RolledOut);

        kit.Source.Publish(Target, RolloutTestKit.Release("v3"));
        Assert.Equal(RolloutPhase.Completed, (await watcher.PassAsync()).RolledOut!.State.Phase);
        Assert.True(await AllServeAsync(kit, "v3"));
    }

    [Fact]
    public async Task RunAsync_KilledInstanceProcess_IsRestarted()
    {
        using var kit = new RolloutTestKit(2);
        kit.Source.Publish(Target, RolloutTestKit.Release("v1"));
        var watcher = Watcher(kit);
        await watcher.PassAsync();

        using var cts = new CancellationTokenSource();
        var loop = watcher.RunAsync(TimeSpan.FromMilliseconds(100), cts.Token);
        try
        {
            var pid = int.Parse(File.ReadAllText(Path.Combine(kit.Group.Instances[1].Directory, "run", "slot-0.pid")).Split(' ')[0]);
            Posix.SignalGroup(pid, Posix.SigKill);
            Assert.True(await RolloutTestKit.EventuallyAsync(async () => await kit.ServedVersionAsync(1) is null, TimeSpan.FromSeconds(10)), "the kill took effect");
            Assert.True(await RolloutTestKit.EventuallyAsync(async () => await kit.ServedVersionAsync(1) == "v1", TimeSpan.FromSeconds(20)), "restarted");
        }
        finally
        {
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
        }
    }

    [Fact]
    public async Task PassAsync_TamperedFileInCurrent_IsRepaired()
    {
        using var kit = new RolloutTestKit(2);
        kit.Source.Publish(Target, RolloutTestKit.Release("v1"));
        var watcher = Watcher(kit);
        await watcher.PassAsync();
        var tampered = Path.Combine(kit.Group.Instances[0].Directory, "current", "version");
        File.WriteAllText(tampered, "evil\n");
        Assert.NotNull(kit.Provider.FindInstalledMismatch("web-1"));

        var pass = await watcher.PassAsync();
        Assert.Equal(["web-1"], pass.Repaired);
        Assert.Equal("v1\n", File.ReadAllText(tampered));
        Assert.Null(kit.Provider.FindInstalledMismatch("web-1"));
        Assert.True(await AllServeAsync(kit, "v1"));
    }

    [Fact]
    public async Task PassAsync_RunningButUnhealthyInstance_IsRestartedAfterConsecutiveFailingPasses()
    {
        using var kit = new RolloutTestKit(1);
        kit.Source.Publish(Target, RolloutTestKit.Release("v1", "fail-after:3"));
        var watcher = Watcher(kit);
        Assert.Equal(RolloutPhase.Completed, (await watcher.PassAsync()).RolledOut!.State.Phase);
        int slot = kit.Provider.RunningSlots("web-1").Single();
        int pid = Pid(kit, slot);
        Assert.True(await RolloutTestKit.EventuallyAsync(async () => !await kit.Provider.IsHealthyAsync("web-1", slot), TimeSpan.FromSeconds(15)), "turned unhealthy");

        // Still running, health check failing: a failed check or two is tolerated, the third pass in a row restarts it.
        for (int i = 1; i < GroupWatcher.UnhealthyPassesBeforeRestart; i++)
        {
            Assert.Empty((await watcher.PassAsync()).Restarted);
            Assert.Equal(pid, Pid(kit, kit.Provider.RunningSlots("web-1").Single()));
        }

        Assert.Equal(["web-1"], (await watcher.PassAsync()).Restarted);
        int newSlot = kit.Provider.RunningSlots("web-1").Single();
        Assert.NotEqual(pid, Pid(kit, newSlot));
        Assert.Equal("v1", await kit.ServedVersionAsync(0));
    }

    private static int Pid(RolloutTestKit kit, int slot) =>
        int.Parse(File.ReadAllText(Path.Combine(kit.Group.Instances[0].Directory, "run", $"slot-{slot}.pid")).Split(' ')[0]);
}
