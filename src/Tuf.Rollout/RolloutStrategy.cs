namespace Tuf.Rollout;

/// <summary>
/// The knobs of one direction of a rolling update (the update itself, or its rollback), with docker swarm's meaning:
/// batches of <see cref="Parallelism"/> instances, <see cref="Delay"/> between batches, each updated instance watched for
/// <see cref="Monitor"/> after it first reports healthy, and <see cref="FailureAction"/> taken once
/// failed / instances-in-plan exceeds <see cref="MaxFailureRatio"/>.
/// </summary>
public sealed record RolloutStrategy
{
    /// <summary>Instances updated at once; 0 means all of them. Default 1.</summary>
    public int Parallelism { get; init; } = 1;

    /// <summary>Pause after a batch completes before the next starts. Default 0.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>How long an instance must stay healthy after it first reports healthy. Default 5 s (docker's default).</summary>
    public TimeSpan Monitor { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Fraction of the plan's instances that may fail before <see cref="FailureAction"/> applies (0..1). Default 0.</summary>
    public double MaxFailureRatio { get; init; }

    /// <summary>What to do once failures exceed <see cref="MaxFailureRatio"/>. Default pause.</summary>
    public FailureAction FailureAction { get; init; } = FailureAction.Pause;

    /// <summary>Stop-first (default) or start-first.</summary>
    public UpdateOrder Order { get; init; } = UpdateOrder.StopFirst;

    /// <summary>How long a started instance may take to report healthy for the first time. Default 30 s.</summary>
    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often health is polled while waiting and monitoring. Default 500 ms.</summary>
    public TimeSpan HealthInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The effective batch size for a plan of <paramref name="instanceCount"/> instances.</summary>
    public int BatchSize(int instanceCount) => Parallelism == 0 ? Math.Max(instanceCount, 1) : Parallelism;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid knob.</summary>
    public void Validate()
    {
        if (Parallelism < 0)
        {
            throw new ArgumentException("parallelism must be 0 (all) or a positive number");
        }

        if (Delay < TimeSpan.Zero || Monitor < TimeSpan.Zero)
        {
            throw new ArgumentException("delay and monitor must not be negative");
        }

        if (double.IsNaN(MaxFailureRatio) || MaxFailureRatio < 0 || MaxFailureRatio > 1)
        {
            throw new ArgumentException("max-failure-ratio must be between 0 and 1");
        }

        if (HealthTimeout <= TimeSpan.Zero || HealthInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("health timeout and interval must be positive");
        }
    }
}
