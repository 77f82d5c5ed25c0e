namespace Tuf.Rollout;

/// <summary>Whether an instance's old process stops before or after its replacement starts (docker's <c>--update-order</c>).</summary>
public enum UpdateOrder
{
    /// <summary>Stop the old process, then start the new one (the default; needs one port per instance).</summary>
    StopFirst,

    /// <summary>Start the new process on the instance's other port slot, wait until it is healthy, then stop the old one.</summary>
    StartFirst,
}
