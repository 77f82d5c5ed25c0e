using System.Collections.Immutable;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tuf.Rollout;

namespace Tuf.Rollout.Tests;

public class RolloutDecisionTests
{
    private const string Sha = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A random rollout: group size, both strategies, health outcomes per attempt, crash points.</summary>
    internal sealed record Scenario(int Instances, RolloutSettings Settings, bool[] Outcomes, bool[] Crashes)
    {
        public override string ToString() =>
            $"n={Instances} update={Settings.Update.Parallelism}/{Settings.Update.MaxFailureRatio}/{Settings.Update.FailureAction} " +
            $"rollback={Settings.Rollback.Parallelism}/{Settings.Rollback.MaxFailureRatio}/{Settings.Rollback.FailureAction} " +
            $"outcomes={string.Concat(Outcomes.Select(o => o ? '1' : '0'))} crashes={string.Concat(Crashes.Select(o => o ? '1' : '0'))}";
    }

    private static Gen<RolloutStrategy> StrategyGen =>
        from parallelism in Gen.Choose(0, 4)
        from ratio in Gen.Elements(0.0, 0.2, 0.34, 0.5, 1.0)
        from action in Gen.Elements(FailureAction.Pause, FailureAction.Continue, FailureAction.Rollback)
        from delay in Gen.Elements(0, 3)
        select new RolloutStrategy { Parallelism = parallelism, MaxFailureRatio = ratio, FailureAction = action, Delay = TimeSpan.FromSeconds(delay) };

    private static Gen<Scenario> ScenarioGen =>
        from n in Gen.Choose(1, 9)
        from update in StrategyGen
        from rollback in StrategyGen
        from healthyBias in Gen.Choose(1, 9)
        from outcomes in Gen.ArrayOf(Gen.Choose(0, 9).Select(x => x < healthyBias), 64)
        from crashes in Gen.ArrayOf(Gen.Choose(0, 9).Select(x => x == 0), 64)
        select new Scenario(n, new RolloutSettings(update, rollback), outcomes, crashes);

    /// <summary>Drives the pure logic like the loop does, journaling through JSON and "crashing" between start and record.</summary>
    private static (RolloutState Final, List<string> Violations) Simulate(Scenario s)
    {
        var violations = new List<string>();
        var names = Enumerable.Range(1, s.Instances).Select(i => $"i{i}").ToList();
        var state = RolloutDecision.Plan(names.Select(n => (n, (string?)"bbbb")), Sha);
        var now = T0;
        int attempt = 0, crashIndex = 0;
        var updateRuns = names.ToDictionary(n => n, _ => 0);
        for (var steps = 0; steps < 500; steps++)
        {
            var step = RolloutDecision.Decide(state, s.Settings, now);
            if (step is Finished f)
            {
                if (updateRuns.Values.Any(v => v > 1))
                {
                    violations.Add("an instance was updated twice");
                }

                state = state with { Phase = f.Phase };
                return (state, violations);
            }

            if (step is WaitUntil w)
            {
                if (w.Until <= now)
                {
                    violations.Add("wait into the past");
                }

                now = w.Until;
                continue;
            }

            var batch = (RunBatch)step;
            var strategy = batch.IsRollback ? s.Settings.Rollback : s.Settings.Update;
            var size = strategy.BatchSize(s.Instances);
            if (batch.Instances.Length > size || batch.Instances.Length == 0)
            {
                violations.Add($"batch of {batch.Instances.Length} with parallelism {strategy.Parallelism}");
            }

            var waiting = batch.IsRollback ? InstanceState.RollbackPending : InstanceState.Pending;
            var inFlight = batch.IsRollback ? InstanceState.RollingBack : InstanceState.Updating;
            var byName = state.Instances.ToDictionary(i => i.Name);
            var resumed = batch.Instances.All(n => byName[n].State == inFlight);
            if (!resumed && !batch.Instances.All(n => byName[n].State == waiting))
            {
                violations.Add("batch mixes in-flight and waiting instances, or picks finished ones");
            }

            // Limits: no new update batch once failures exceed the ratio (unless continue), none while paused.
            if (!batch.IsRollback && !resumed && s.Settings.Update.FailureAction != FailureAction.Continue
                && RolloutDecision.Exceeds(state.Count(InstanceState.Failed), s.Instances, s.Settings.Update.MaxFailureRatio))
            {
                violations.Add("new update batch after the failure ratio was exceeded");
            }

            if (!resumed && state.LastBatchEndedAt is { } last && now < last + strategy.Delay)
            {
                violations.Add("batch started inside the delay");
            }

            state = RolloutDecision.StartBatch(state, batch);
            if (state.Count(InstanceState.Updating) + state.Count(InstanceState.RollingBack) > size)
            {
                violations.Add("more instances in flight than the parallelism");
            }

            if (!batch.IsRollback)
            {
                foreach (var n in batch.Instances)
                {
                    updateRuns[n]++;
                }
            }

            state = RoundTrip(state, s.Settings);
            if (s.Crashes[crashIndex++ % s.Crashes.Length])
            {
                // Killed after journaling the batch: the next decision must re-run exactly that batch.
                var again = RolloutDecision.Decide(state, s.Settings, now + TimeSpan.FromHours(1));
                if (again is not RunBatch rb || !rb.Instances.SequenceEqual(batch.Instances) || rb.IsRollback != batch.IsRollback)
                {
                    violations.Add("resume after a crash did not re-run the in-flight batch");
                }

                if (!batch.IsRollback)
                {
                    foreach (var n in batch.Instances)
                    {
                        updateRuns[n]--; // the re-run counts as the same update
                    }
                }

                continue;
            }

            var outcomes = batch.Instances.ToDictionary(n => n, _ => s.Outcomes[attempt++ % s.Outcomes.Length] ? null : "unhealthy");
            now += TimeSpan.FromSeconds(1);
            state = RoundTrip(RolloutDecision.RecordBatch(state, batch, outcomes, s.Settings, now), s.Settings);
        }

        violations.Add("did not finish within 500 steps");
        return (state, violations);
    }

    private static RolloutState RoundTrip(RolloutState state, RolloutSettings settings)
    {
        var journal = new RolloutJournal(1, "id", "t", Sha, 1, null, settings, state, T0);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(journal, RolloutJsonContext.Default.RolloutJournal);
        return JsonSerializer.Deserialize(bytes, RolloutJsonContext.Default.RolloutJournal)!.State;
    }

    /// <summary>The property over random scenarios; the tests run it 500 times (<c>[Property(MaxTest = 500)]</c>).</summary>
    private static Property Holds(Func<Scenario, bool> property) => Prop.ForAll(ScenarioGen.ToArbitrary(), property);

    [Property(MaxTest = 500)]
    public Property Decide_RandomHealthOutcomes_LimitsAlwaysHold()
    {
        return Holds(s =>
        {
            var (final, violations) = Simulate(s);
            return violations.Count == 0 && final.IsTerminal;
        });
    }

    [Property(MaxTest = 500)]
    public Property Decide_Pause_StopsAfterTheBatchThatExceededTheRatioWithTheRestUntouched()
    {
        return Holds(s =>
        {
            if (s.Settings.Update.FailureAction != FailureAction.Pause)
            {
                return true;
            }

            var (final, _) = Simulate(s);
            var failed = final.Count(InstanceState.Failed);
            var exceeded = RolloutDecision.Exceeds(failed, s.Instances, s.Settings.Update.MaxFailureRatio);
            if (final.Phase == RolloutPhase.Paused)
            {
                // Paused exactly because the ratio was exceeded; nothing rolled back; the remaining instances untouched.
                var touched = final.Instances.Count(i => i.State is InstanceState.Updated or InstanceState.Failed);
                return exceeded && touched + final.Count(InstanceState.Pending) == s.Instances
                    && final.Instances.All(i => i.State is InstanceState.Updated or InstanceState.Failed or InstanceState.Pending);
            }

            return final.Phase == RolloutPhase.Completed && !exceeded && final.Count(InstanceState.Pending) == 0;
        });
    }

    [Property(MaxTest = 500)]
    public Property Decide_Rollback_ReturnsEveryTouchedInstanceAndLeavesTheRestUntouched()
    {
        return Holds(s =>
        {
            if (s.Settings.Update.FailureAction != FailureAction.Rollback)
            {
                return true;
            }

            var (final, _) = Simulate(s);
            var exceeded = final.Phase is RolloutPhase.RolledBack or RolloutPhase.RollbackPaused or RolloutPhase.RollingBack;
            if (!exceeded)
            {
                return final.Phase == RolloutPhase.Completed && final.Instances.All(i => i.State is InstanceState.Updated or InstanceState.Failed);
            }

            // No instance is left on the new version: each is rolled back, failed to roll back (paused rollback), or untouched.
            var noneLeftUpdated = final.Instances.All(i => i.State is InstanceState.RolledBack or InstanceState.RollbackFailed or InstanceState.Pending or InstanceState.RollbackPending);
            var pausedOnlyOnRatio = final.Phase != RolloutPhase.RollbackPaused || s.Settings.Rollback.FailureAction != FailureAction.Continue;
            var completeWhenRolledBack = final.Phase != RolloutPhase.RolledBack
                || final.Instances.All(i => i.State is InstanceState.RolledBack or InstanceState.Pending or InstanceState.RollbackFailed);
            return noneLeftUpdated && pausedOnlyOnRatio && completeWhenRolledBack && final.Reason is not null;
        });
    }

    [Property(MaxTest = 500)]
    public Property Decide_Continue_ReachesEveryInstanceWhateverFails()
    {
        return Holds(s =>
        {
            if (s.Settings.Update.FailureAction != FailureAction.Continue)
            {
                return true;
            }

            var (final, _) = Simulate(s);
            return final.Phase == RolloutPhase.Completed && final.Instances.All(i => i.State is InstanceState.Updated or InstanceState.Failed);
        });
    }

    [Fact]
    public void Plan_InstancesAlreadyOnTarget_AreNotPlanned()
    {
        var state = RolloutDecision.Plan([("a", Sha), ("b", "bb"), ("c", null)], Sha);
        Assert.Equal(["b", "c"], state.Instances.Select(i => i.Name));
        Assert.Equal("bb", state.Instances[0].PreviousSha256);
    }

    [Fact]
    public void RecordBatch_FirstFailureWithDefaults_PausesAfterThatBatch()
    {
        var settings = new RolloutSettings(new RolloutStrategy { Parallelism = 2 }, new RolloutStrategy());
        var state = RolloutDecision.Plan(new[] { "a", "b", "c", "d", "e" }.Select(n => (n, (string?)null)), Sha);
        var batch = (RunBatch)RolloutDecision.Decide(state, settings, T0);
        Assert.Equal(["a", "b"], batch.Instances.ToArray());
        state = RolloutDecision.RecordBatch(RolloutDecision.StartBatch(state, batch), batch, new Dictionary<string, string?> { ["a"] = null, ["b"] = "boom" }, settings, T0);
        Assert.Equal(RolloutPhase.Paused, state.Phase);
        Assert.Equal(new Finished(RolloutPhase.Paused), RolloutDecision.Decide(state, settings, T0));
        Assert.Equal(3, state.Count(InstanceState.Pending));
        Assert.Contains("b", state.Reason);
    }

    [Fact]
    public void Resume_PausedUpdate_RetriesFailedInstancesFirst()
    {
        var settings = RolloutSettings.Default;
        var state = new RolloutState(RolloutPhase.Paused, [
            new InstanceProgress("a", null, InstanceState.Updated),
            new InstanceProgress("b", null, InstanceState.Failed, "x"),
            new InstanceProgress("c", null, InstanceState.Pending)]);
        var resumed = RolloutDecision.Resume(state);
        Assert.Equal(RolloutPhase.Updating, resumed.Phase);
        Assert.Equal(["b"], ((RunBatch)RolloutDecision.Decide(resumed, settings, T0)).Instances.ToArray());
    }

    [Fact]
    public void Decide_DelayBetweenBatches_WaitsUntilDelayElapsed()
    {
        var settings = new RolloutSettings(new RolloutStrategy { Delay = TimeSpan.FromSeconds(10) }, new RolloutStrategy());
        var state = RolloutDecision.Plan(new[] { "a", "b" }.Select(n => (n, (string?)null)), Sha);
        var batch = (RunBatch)RolloutDecision.Decide(state, settings, T0);
        state = RolloutDecision.RecordBatch(RolloutDecision.StartBatch(state, batch), batch, new Dictionary<string, string?> { ["a"] = null }, settings, T0);
        Assert.Equal(new WaitUntil(T0.AddSeconds(10)), RolloutDecision.Decide(state, settings, T0.AddSeconds(3)));
        Assert.IsType<RunBatch>(RolloutDecision.Decide(state, settings, T0.AddSeconds(10)));
    }
}
