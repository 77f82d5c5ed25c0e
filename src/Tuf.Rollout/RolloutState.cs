using System.Collections.Immutable;

namespace Tuf.Rollout;

/// <summary>Where one instance is in the rollout.</summary>
public enum InstanceState
{
    /// <summary>Not touched yet: still runs what it ran before the rollout.</summary>
    Pending,

    /// <summary>In the current update batch (it may be stopped, half-installed or starting).</summary>
    Updating,

    /// <summary>Runs the new version and stayed healthy through its monitor window.</summary>
    Updated,

    /// <summary>Was updated but did not become or stay healthy.</summary>
    Failed,

    /// <summary>Touched by the update and waiting to be returned to its previous version.</summary>
    RollbackPending,

    /// <summary>In the current rollback batch.</summary>
    RollingBack,

    /// <summary>Back on its previous version and healthy.</summary>
    RolledBack,

    /// <summary>Its rollback did not become or stay healthy.</summary>
    RollbackFailed,
}

/// <summary>The phase of the whole rollout (docker's update status).</summary>
public enum RolloutPhase
{
    /// <summary>Batches of the update are being applied.</summary>
    Updating,

    /// <summary>The update stopped because failures exceeded the ratio with failure action pause.</summary>
    Paused,

    /// <summary>Every instance was reached (some may have failed under failure action continue).</summary>
    Completed,

    /// <summary>Touched instances are being returned to their previous version.</summary>
    RollingBack,

    /// <summary>The rollback itself failed beyond its ratio and stopped.</summary>
    RollbackPaused,

    /// <summary>Every touched instance was returned to its previous version.</summary>
    RolledBack,
}

/// <summary>One instance of the plan.</summary>
/// <param name="Name">Instance name from the group.</param>
/// <param name="PreviousSha256">The release it ran before the rollout (null when it had none); the rollback target.</param>
/// <param name="State">Progress of this instance.</param>
/// <param name="Error">Why it failed, when it did.</param>
public sealed record InstanceProgress(string Name, string? PreviousSha256, InstanceState State, string? Error = null);

/// <summary>The durable state of a rollout: what the decision logic reads and the journal stores.</summary>
/// <param name="Phase">Overall phase.</param>
/// <param name="Instances">Every instance of the plan, in plan order.</param>
/// <param name="LastBatchEndedAt">When the last batch finished (for the delay between batches).</param>
/// <param name="Reason">Why the rollout paused or rolled back, if it did.</param>
public sealed record RolloutState(
    RolloutPhase Phase,
    ImmutableArray<InstanceProgress> Instances,
    DateTimeOffset? LastBatchEndedAt = null,
    string? Reason = null)
{
    /// <summary>Whether no further step will run without an operator (completed, paused, rolled back).</summary>
    public bool IsTerminal => Phase is RolloutPhase.Completed or RolloutPhase.Paused or RolloutPhase.RolledBack or RolloutPhase.RollbackPaused;

    /// <summary>Number of instances in <paramref name="state"/>.</summary>
    public int Count(InstanceState state) => Instances.Count(i => i.State == state);

    /// <summary>Names of instances in <paramref name="state"/>.</summary>
    public IEnumerable<string> Named(InstanceState state) => Instances.Where(i => i.State == state).Select(i => i.Name);
}
