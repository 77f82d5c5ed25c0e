namespace Tuf.Rollout;

/// <summary>A rollout cannot proceed for an operational reason (no journal, one already running, bad group).</summary>
internal sealed class RolloutException : Exception
{
    public RolloutException() { }

    public RolloutException(string message) : base(message) { }

    public RolloutException(string message, Exception innerException) : base(message, innerException) { }
}
