using System.Collections.Immutable;

namespace Tuf.Rollout;

/// <summary>What the rollout loop must do next, as decided by <see cref="RolloutDecision.Decide"/>.</summary>
internal abstract record RolloutStep;

/// <summary>Update (or roll back) exactly these instances now, concurrently.</summary>
/// <param name="Instances">The batch, never larger than the strategy's parallelism.</param>
/// <param name="IsRollback">Whether this is a rollback batch.</param>
internal sealed record RunBatch(ImmutableArray<string> Instances, bool IsRollback) : RolloutStep;

/// <summary>Wait (the delay between batches) until this time, then decide again.</summary>
/// <param name="Until">The earliest time of the next batch.</param>
internal sealed record WaitUntil(DateTimeOffset Until) : RolloutStep;

/// <summary>Nothing more to do: the rollout reached a terminal phase.</summary>
/// <param name="Phase">The terminal phase.</param>
internal sealed record Finished(RolloutPhase Phase) : RolloutStep;
