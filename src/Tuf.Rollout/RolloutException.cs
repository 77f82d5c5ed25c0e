namespace Tuf.Rollout;

/// <summary>A rollout cannot proceed for an operational reason (no journal, one already running, bad group).</summary>
public sealed class RolloutException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public RolloutException() { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public RolloutException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public RolloutException(string message, Exception innerException) : base(message, innerException) { }
}
