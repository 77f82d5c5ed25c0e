using Tuf.Rollout;
using Xunit.Abstractions;

using Tuf.Client;

namespace Tuf.Rollout.Tests;

/// <summary>Rolling updates of real local processes on loopback.</summary>
public class RollingUpdaterTests(ITestOutputHelper output)
{
    private const string Target = "app/app.tar.gz";

    private static RolloutSettings Settings(RolloutStrategy update, RolloutStrategy? rollback = null) =>
        new(update, rollback ?? RolloutTestKit.Fast(parallelism: 0));

    private static async Task<RolloutJournal> RollOutAsync(RolloutTestKit kit, byte[] release, RolloutSettings settings, ITestOutputHelper? log = null)
    {
        kit.Source.Publish(Target, release);
        var artifact = await kit.Source.ResolveAsync(Target);
        return await kit.Updater(p => log?.WriteLine($"{p.Instance ?? "*"}: {p.Message}")).StartAsync(artifact, settings, null);
    }

    private static async Task<string?[]> VersionsAsync(RolloutTestKit kit, int count) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(kit.ServedVersionAsync));

    [Fact]
    public async Task StartAsync_DelayWithTimersThatFireEarly_OneWaitingLinePerWait()
    {
        using var kit = new RolloutTestKit(3);
        kit.Source.Publish(Target, RolloutTestKit.Release("v1"));
        var artifact = await kit.Source.ResolveAsync(Target);
        var messages = new List<string>();
        var updater = new RollingUpdater(kit.Provider, kit.Group.StateDirectory, new EarlyTimers(), p => { lock (messages) { messages.Add(p.Message); } });
        var journal = await updater.StartAsync(artifact, Settings(RolloutTestKit.Fast(parallelism: 1) with { Delay = TimeSpan.FromMilliseconds(800) }), null);

        Assert.True(journal.State.Phase == RolloutPhase.Completed, RollingUpdater.Describe(journal.State));
        var waits = messages.Where(m => m.StartsWith("waiting", StringComparison.Ordinal)).ToList();
        Assert.Equal(["waiting 1 s before the next batch", "waiting 1 s before the next batch"], waits);
    }

    [Theory]
    [InlineData("plain text, not gzip", "is named like a .tar.gz but it is not gzip-compressed; nothing was changed")]
    [InlineData("gzip-not-tar", "is named like a .tar.gz but it is not a readable tar archive")]
    public async Task StartAsync_TargetNamedTarGzThatIsNot_RefusedOnceBeforeAnyInstance(string content, string expected)
    {
        using var kit = new RolloutTestKit(2);
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(content);
        if (content == "gzip-not-tar")
        {
            using var buffer = new MemoryStream();
            using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(System.Text.Encoding.UTF8.GetBytes(new string('A', 700))); // no tar header: its checksum cannot match
            }

            bytes = buffer.ToArray();
        }

        kit.Source.Publish(Target, bytes);
        var artifact = await kit.Source.ResolveAsync(Target);
        var messages = new List<string>();
        var ex = await Assert.ThrowsAsync<RolloutException>(() => kit.Updater(p => messages.Add(p.Message)).StartAsync(artifact, Settings(RolloutTestKit.Fast()), null));
        Assert.Contains(expected, ex.Message);
        Assert.Empty(messages);
        Assert.Null(kit.Updater().ReadJournal());
        Assert.All(kit.Provider.Instances, i => Assert.Null(kit.Provider.GetInstalled(i)));
    }

    /// <summary>The system clock, with timers that fire after a third of their due time (as coarse timers may fire early).</summary>
    private sealed class EarlyTimers : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            System.CreateTimer(callback, state, dueTime == Timeout.InfiniteTimeSpan ? dueTime : dueTime / 3, period);
    }

    [Fact]
    public async Task StartAsync_StopFirstParallelism2_AllOnV2AndNeverMoreThan2Down()
    {
        using var kit = new RolloutTestKit(5);
        var v1 = await RollOutAsync(kit, RolloutTestKit.Release("v1"), Settings(RolloutTestKit.Fast(parallelism: 0)));
        Assert.True(v1.State.Phase == RolloutPhase.Completed, RollingUpdater.Describe(v1.State));
        Assert.All(await VersionsAsync(kit, 5), v => Assert.Equal("v1", v));

        RolloutJournal v2;
        await using (var sampler = kit.StartSampler())
        {
            v2 = await RollOutAsync(kit, RolloutTestKit.Release("v2"), Settings(RolloutTestKit.Fast(parallelism: 2)), output);
            output.WriteLine($"samples {sampler.Samples}, max down {sampler.MaxDown}");
            Assert.True(sampler.Samples > 0);
            Assert.InRange(sampler.MaxDown, 0, 2);
        }

        Assert.True(v2.State.Phase == RolloutPhase.Completed, RollingUpdater.Describe(v2.State));
        Assert.All(v2.State.Instances, i => Assert.Equal(InstanceState.Updated, i.State));
        Assert.All(await VersionsAsync(kit, 5), v => Assert.Equal("v2", v));
        Assert.All(kit.Provider.Instances, i => Assert.Equal(v2.Sha256, kit.Provider.GetInstalled(i)));
    }

    [Fact]
    public async Task StartAsync_StartFirstParallelism2_AllOnV2AndAllFiveAlwaysServing()
    {
        using var kit = new RolloutTestKit(5, slots: 2);
        await RollOutAsync(kit, RolloutTestKit.Release("v1"), Settings(RolloutTestKit.Fast(parallelism: 0)));
        RolloutJournal v2;
        await using (var sampler = kit.StartSampler())
        {
            v2 = await RollOutAsync(kit, RolloutTestKit.Release("v2"), Settings(RolloutTestKit.Fast(parallelism: 2) with { Order = UpdateOrder.StartFirst }), output);
            output.WriteLine($"samples {sampler.Samples}, min serving {sampler.MinServing}");
            Assert.True(sampler.Samples > 0);
            Assert.Equal(5, sampler.MinServing);
        }

        Assert.True(v2.State.Phase == RolloutPhase.Completed, RollingUpdater.Describe(v2.State));
        Assert.All(await VersionsAsync(kit, 5), v => Assert.Equal("v2", v));
        Assert.All(kit.Provider.Instances, i => Assert.Single(kit.Provider.RunningSlots(i)));
    }

    [Fact]
    public async Task StartAsync_FailingHealthWithPause_StopsAfterFirstBatchRestUntouched()
    {
        using var kit = new RolloutTestKit(5);
        var v1 = await RollOutAsync(kit, RolloutTestKit.Release("v1"), Settings(RolloutTestKit.Fast(parallelism: 0)));
        var v2 = await RollOutAsync(kit, RolloutTestKit.Release("v2", mode: "fail"), Settings(RolloutTestKit.Fast(parallelism: 2) with { HealthTimeout = TimeSpan.FromSeconds(1) }), output);

        Assert.Equal(RolloutPhase.Paused, v2.State.Phase);
        Assert.Contains("web-1", v2.State.Reason);
        Assert.Equal([InstanceState.Failed, InstanceState.Failed, InstanceState.Pending, InstanceState.Pending, InstanceState.Pending], v2.State.Instances.Select(i => i.State));
        var versions = await VersionsAsync(kit, 5);
        Assert.Equal(new string?[] { null, null, "v1", "v1", "v1" }, versions.AsEnumerable());
        Assert.All(kit.Provider.Instances.Skip(2), i => Assert.Equal(v1.Sha256, kit.Provider.GetInstalled(i)));
    }

    [Fact]
    public async Task StartAsync_FailingHealthWithRollback_EveryTouchedInstanceBackOnV1AndHealthy()
    {
        using var kit = new RolloutTestKit(5);
        var v1 = await RollOutAsync(kit, RolloutTestKit.Release("v1"), Settings(RolloutTestKit.Fast(parallelism: 0)));

        // v2 passes its first health check and fails 0.4 s later, inside the monitor window of the first batch.
        var update = RolloutTestKit.Fast(parallelism: 2) with { Monitor = TimeSpan.FromSeconds(1.5), FailureAction = FailureAction.Rollback, MaxFailureRatio = 0.2 };
        var v2 = await RollOutAsync(kit, RolloutTestKit.Release("v2", mode: "fail-after:0.4"), Settings(update), output);

        Assert.Equal(RolloutPhase.RolledBack, v2.State.Phase);
        Assert.Contains("rolled back", v2.State.Reason);
        Assert.Equal([InstanceState.RolledBack, InstanceState.RolledBack, InstanceState.Pending, InstanceState.Pending, InstanceState.Pending], v2.State.Instances.Select(i => i.State));
        Assert.All(await VersionsAsync(kit, 5), v => Assert.Equal("v1", v));
        Assert.All(kit.Provider.Instances, i => Assert.Equal(v1.Sha256, kit.Provider.GetInstalled(i)));
    }

    [Fact]
    public async Task StartAsync_FailingHealthWithContinue_ProceedsThroughEveryInstanceAndReportsFailures()
    {
        using var kit = new RolloutTestKit(4);
        await RollOutAsync(kit, RolloutTestKit.Release("v1"), Settings(RolloutTestKit.Fast(parallelism: 0)));
        var update = RolloutTestKit.Fast(parallelism: 2) with { FailureAction = FailureAction.Continue, HealthTimeout = TimeSpan.FromSeconds(1) };
        var v2 = await RollOutAsync(kit, RolloutTestKit.Release("v2", mode: "exit"), Settings(update), output);

        Assert.True(v2.State.Phase == RolloutPhase.Completed, RollingUpdater.Describe(v2.State));
        Assert.All(v2.State.Instances, i => Assert.Equal(InstanceState.Failed, i.State));
        Assert.All(v2.State.Instances, i => Assert.Contains("exited", i.Error));
        Assert.Contains("completed with failures", RollingUpdater.Describe(v2.State));
    }

    [Fact]
    public async Task StartAsync_PauseWithRatio_ToleratesFailuresUpToTheRatioThenPauses()
    {
        // 4 instances, ratio 0.5: the first failing batch (2 of 4 = 0.5) is tolerated, the next failure (3 of 4) pauses.
        using var kit = new RolloutTestKit(4);
        await RollOutAsync(kit, RolloutTestKit.Release("v1"), Settings(RolloutTestKit.Fast(parallelism: 0)));
        var update = RolloutTestKit.Fast(parallelism: 2) with { MaxFailureRatio = 0.5, HealthTimeout = TimeSpan.FromSeconds(1) };
        var v2 = await RollOutAsync(kit, RolloutTestKit.Release("v2", mode: "exit"), Settings(update), output);

        Assert.Equal(RolloutPhase.Paused, v2.State.Phase);
        Assert.All(v2.State.Instances, i => Assert.Equal(InstanceState.Failed, i.State));
    }

    [Fact]
    public async Task RollbackAsync_AfterCompletedRollout_ReturnsAllToV1()
    {
        using var kit = new RolloutTestKit(3);
        var v1 = await RollOutAsync(kit, RolloutTestKit.Release("v1"), Settings(RolloutTestKit.Fast(parallelism: 0)));
        var v2 = await RollOutAsync(kit, RolloutTestKit.Release("v2"), Settings(RolloutTestKit.Fast(parallelism: 0)));
        Assert.True(v2.State.Phase == RolloutPhase.Completed, RollingUpdater.Describe(v2.State));

        var back = await kit.Updater().RollbackAsync();
        Assert.Equal(RolloutPhase.RolledBack, back.State.Phase);
        Assert.All(await VersionsAsync(kit, 3), v => Assert.Equal("v1", v));
        Assert.All(kit.Provider.Instances, i => Assert.Equal(v1.Sha256, kit.Provider.GetInstalled(i)));
    }

    [Fact]
    public async Task ResumeAsync_PausedRollout_RetriesFailedInstancesAndANewStartReplacesIt()
    {
        using var kit = new RolloutTestKit(2);
        await RollOutAsync(kit, RolloutTestKit.Release("v1"), Settings(RolloutTestKit.Fast(parallelism: 0)));
        var failing = await RollOutAsync(kit, RolloutTestKit.Release("v2", "exit"), Settings(RolloutTestKit.Fast() with { HealthTimeout = TimeSpan.FromSeconds(1) }));
        Assert.Equal(RolloutPhase.Paused, failing.State.Phase);

        // Nothing was fixed: resume retries the failed instance and pauses again, still leaving web-2 untouched.
        var again = await kit.Updater().ResumeAsync();
        Assert.Equal(RolloutPhase.Paused, again.State.Phase);
        Assert.Equal(InstanceState.Pending, again.State.Instances[1].State);
        Assert.Equal("v1", await kit.ServedVersionAsync(1));

        // Like a new `docker service update`, a new start replaces a paused rollout.
        var v3 = await RollOutAsync(kit, RolloutTestKit.Release("v3"), Settings(RolloutTestKit.Fast(parallelism: 0)));
        Assert.True(v3.State.Phase == RolloutPhase.Completed, RollingUpdater.Describe(v3.State));
        Assert.All(await VersionsAsync(kit, 2), v => Assert.Equal("v3", v));
    }

    [Fact]
    public async Task StartAsync_UnfinishedJournal_RefusesUntilResumed()
    {
        using var kit = new RolloutTestKit(1);
        await RollOutAsync(kit, RolloutTestKit.Release("v1"), Settings(RolloutTestKit.Fast()));
        var journal = kit.Updater().ReadJournal()!;
        (journal with { State = journal.State with { Phase = RolloutPhase.Updating } }).Save(kit.Group.StateDirectory);

        var ex = await Assert.ThrowsAsync<RolloutException>(() => RollOutAsync(kit, RolloutTestKit.Release("v2"), Settings(RolloutTestKit.Fast())));
        Assert.Contains("resume or rollback", ex.Message);
        Assert.Equal(RolloutPhase.Completed, (await kit.Updater().ResumeAsync()).State.Phase);
    }

    [Fact]
    public async Task StartAsync_WhileAnotherUpdaterRuns_RefusesWithoutTouchingAnything()
    {
        using var kit = new RolloutTestKit(1);
        kit.Source.Publish(Target, RolloutTestKit.Release("v1"));
        var artifact = await kit.Source.ResolveAsync(Target);
        var slow = Settings(RolloutTestKit.Fast() with { Monitor = TimeSpan.FromSeconds(2) });
        var monitoring = new TaskCompletionSource();
        var first = kit.Updater(p => { if (p.Message.StartsWith("healthy", StringComparison.Ordinal)) { monitoring.TrySetResult(); } }).StartAsync(artifact, slow, null);
        await monitoring.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var ex = await Assert.ThrowsAsync<RolloutException>(() => kit.Updater().ResumeAsync());
        Assert.Contains("another rollout process", ex.Message);
        Assert.Equal(RolloutPhase.Completed, (await first).State.Phase);
    }
}
