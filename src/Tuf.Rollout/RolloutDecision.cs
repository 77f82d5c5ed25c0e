using System.Collections.Immutable;
using System.Globalization;

namespace Tuf.Rollout;

/// <summary>
/// The pure decision logic of the rolling updater (no I/O, no clock): given the durable state, the strategies and a time,
/// what happens next, and how a batch's outcome changes the state. <see cref="RollingUpdater"/> is the thin loop around it.
/// </summary>
/// <remarks>
/// Semantics follow docker swarm's updater: failures are counted over the instances of the plan (the "dirty" ones) and
/// the failure action fires once failed / planned &gt; max-failure-ratio; <c>continue</c> never stops; a failing rollback
/// pauses (it is never rolled back). A batch always completes (its instances are reported) before the decision, so a pause
/// stops after the batch that crossed the ratio, with the rest untouched. Instances left "in progress" by a killed updater
/// form the batch that runs first on resume, so resuming never has more instances in flight than the parallelism.
/// </remarks>
internal static class RolloutDecision
{
    /// <summary>A plan over the instances whose installed release differs from <paramref name="targetSha256"/>.</summary>
    public static RolloutState Plan(IEnumerable<(string Name, string? Installed)> instances, string targetSha256)
    {
        var dirty = instances
            .Where(i => !string.Equals(i.Installed, targetSha256, StringComparison.OrdinalIgnoreCase))
            .Select(i => new InstanceProgress(i.Name, i.Installed, InstanceState.Pending))
            .ToImmutableArray();
        return new RolloutState(RolloutPhase.Updating, dirty);
    }

    /// <summary>The next step for <paramref name="state"/> at time <paramref name="now"/>.</summary>
    public static RolloutStep Decide(RolloutState state, RolloutSettings settings, DateTimeOffset now)
    {
        switch (state.Phase)
        {
            case RolloutPhase.Updating:
                return NextBatch(state, settings.Update, InstanceState.Updating, InstanceState.Pending, isRollback: false, RolloutPhase.Completed, now);
            case RolloutPhase.RollingBack:
                return NextBatch(state, settings.Rollback, InstanceState.RollingBack, InstanceState.RollbackPending, isRollback: true, RolloutPhase.RolledBack, now);
            default:
                return new Finished(state.Phase);
        }
    }

    private static RolloutStep NextBatch(
        RolloutState state, RolloutStrategy strategy, InstanceState inFlight, InstanceState waiting, bool isRollback, RolloutPhase done, DateTimeOffset now)
    {
        // Resume: a batch that was started but not recorded runs again, exactly as it was (it is at most parallelism wide).
        var running = state.Named(inFlight).ToImmutableArray();
        if (!running.IsEmpty)
        {
            return new RunBatch(running, isRollback);
        }

        var size = strategy.BatchSize(state.Instances.Length);
        var next = state.Named(waiting).Take(size).ToImmutableArray();
        if (next.IsEmpty)
        {
            return new Finished(done);
        }

        if (state.LastBatchEndedAt is { } last && strategy.Delay > TimeSpan.Zero && now < last + strategy.Delay)
        {
            return new WaitUntil(last + strategy.Delay);
        }

        return new RunBatch(next, isRollback);
    }

    /// <summary>Marks the batch's instances as in flight (journal this before touching any of them).</summary>
    public static RolloutState StartBatch(RolloutState state, RunBatch batch)
    {
        var target = batch.IsRollback ? InstanceState.RollingBack : InstanceState.Updating;
        var names = batch.Instances.ToHashSet(StringComparer.Ordinal);
        return state with
        {
            Instances = state.Instances.Select(i => names.Contains(i.Name) ? i with { State = target, Error = batch.IsRollback ? i.Error : null } : i).ToImmutableArray(),
        };
    }

    /// <summary>
    /// Records a finished batch (instance name → null on success or the failure text) and applies the failure action
    /// when failures now exceed the ratio.
    /// </summary>
    public static RolloutState RecordBatch(RolloutState state, RunBatch batch, IReadOnlyDictionary<string, string?> outcomes, RolloutSettings settings, DateTimeOffset now)
    {
        var names = batch.Instances.ToHashSet(StringComparer.Ordinal);
        var instances = state.Instances.Select(i =>
        {
            if (!names.Contains(i.Name))
            {
                return i;
            }

            var error = outcomes.TryGetValue(i.Name, out var e) ? e : "no outcome recorded";
            var ok = error is null;
            var next = batch.IsRollback
                ? ok ? InstanceState.RolledBack : InstanceState.RollbackFailed
                : ok ? InstanceState.Updated : InstanceState.Failed;
            // A successful rollback keeps the update's failure text: status still says why the instance was rolled back.
            return i with { State = next, Error = error ?? (batch.IsRollback ? i.Error : null) };
        }).ToImmutableArray();

        var after = state with { Instances = instances, LastBatchEndedAt = now };
        return batch.IsRollback ? CheckRollbackFailures(after, settings.Rollback) : CheckUpdateFailures(after, settings.Update);
    }

    /// <summary>Whether failures exceed the ratio: failed / planned &gt; max ratio (swarm's rule).</summary>
    public static bool Exceeds(int failed, int planned, double maxFailureRatio) =>
        failed > 0 && planned > 0 && (double)failed / planned > maxFailureRatio;

    private static RolloutState CheckUpdateFailures(RolloutState state, RolloutStrategy strategy)
    {
        var failed = state.Count(InstanceState.Failed);
        if (!Exceeds(failed, state.Instances.Length, strategy.MaxFailureRatio))
        {
            return state;
        }

        var reason = string.Create(CultureInfo.InvariantCulture,
            $"{failed} of {state.Instances.Length} instances failed (max failure ratio {strategy.MaxFailureRatio}): {string.Join(", ", state.Named(InstanceState.Failed))}");
        return strategy.FailureAction switch
        {
            FailureAction.Pause => state with { Phase = RolloutPhase.Paused, Reason = "update paused: " + reason },
            FailureAction.Rollback => BeginRollback(state, "update rolled back: " + reason),
            _ => state,
        };
    }

    private static RolloutState CheckRollbackFailures(RolloutState state, RolloutStrategy strategy)
    {
        var failed = state.Count(InstanceState.RollbackFailed);
        var planned = state.Instances.Count(i => i.State is InstanceState.RollbackPending or InstanceState.RollingBack or InstanceState.RolledBack or InstanceState.RollbackFailed);
        if (!Exceeds(failed, planned, strategy.MaxFailureRatio) || strategy.FailureAction == FailureAction.Continue)
        {
            return state;
        }

        // Never roll back a rollback: both pause and rollback pause it.
        return state with
        {
            Phase = RolloutPhase.RollbackPaused,
            Reason = string.Create(CultureInfo.InvariantCulture,
                $"rollback paused: {failed} of {planned} instances failed to return to their previous version: {string.Join(", ", state.Named(InstanceState.RollbackFailed))}"),
        };
    }

    /// <summary>
    /// Turns every instance the update touched (in flight, updated or failed) into a rollback candidate; untouched
    /// instances stay as they are.
    /// </summary>
    public static RolloutState BeginRollback(RolloutState state, string reason) => state with
    {
        Phase = RolloutPhase.RollingBack,
        Reason = reason,
        Instances = state.Instances.Select(i => i.State switch
        {
            InstanceState.Updating or InstanceState.Updated or InstanceState.Failed or InstanceState.RollbackFailed
                => i with { State = InstanceState.RollbackPending },
            _ => i,
        }).ToImmutableArray(),
    };

    /// <summary>
    /// An operator's resume of a stopped rollout: a paused (or completed-with-failures) update retries its failed
    /// instances and continues; a paused rollback retries its failed instances. Running phases are returned unchanged.
    /// </summary>
    public static RolloutState Resume(RolloutState state) => state.Phase switch
    {
        RolloutPhase.Paused or RolloutPhase.Completed when state.Count(InstanceState.Failed) > 0 => state with
        {
            Phase = RolloutPhase.Updating,
            Reason = null,
            Instances = state.Instances.Select(i => i.State == InstanceState.Failed ? i with { State = InstanceState.Pending, Error = null } : i).ToImmutableArray(),
        },
        RolloutPhase.Paused => state with { Phase = RolloutPhase.Updating, Reason = null },
        RolloutPhase.RollbackPaused => state with
        {
            Phase = RolloutPhase.RollingBack,
            Instances = state.Instances.Select(i => i.State == InstanceState.RollbackFailed ? i with { State = InstanceState.RollbackPending, Error = null } : i).ToImmutableArray(),
        },
        _ => state,
    };
}
