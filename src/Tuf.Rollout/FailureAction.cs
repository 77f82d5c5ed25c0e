namespace Tuf.Rollout;

/// <summary>What a rollout does once its failures exceed the maximum failure ratio (docker's <c>--update-failure-action</c>).</summary>
public enum FailureAction
{
    /// <summary>Stop starting new batches; the instances not yet reached stay untouched (the default).</summary>
    Pause,

    /// <summary>Keep going: failures are recorded and reported, never acted on.</summary>
    Continue,

    /// <summary>Return every touched instance to the version it ran before (a failing rollback pauses instead: a rollback is never rolled back).</summary>
    Rollback,
}
