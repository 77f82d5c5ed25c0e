using System.Text.Json.Nodes;

#pragma warning disable CA1507 // The strings are the Docker API's JSON field names, not names of ours.

namespace Tuf.Rollout.Swarm;

/// <summary>One task (replica) of a service: its slot, node, image, state and error.</summary>
/// <param name="Id">The task ID.</param>
/// <param name="Slot">The replica slot (1-based; 0 for a global service's tasks).</param>
/// <param name="NodeId">The node it is assigned to.</param>
/// <param name="Image">The image its spec names.</param>
/// <param name="State">Its current state (<c>new</c> ... <c>running</c>, <c>complete</c>, <c>shutdown</c>, <c>failed</c>, <c>rejected</c>).</param>
/// <param name="DesiredState">The state the orchestrator wants it in.</param>
/// <param name="Error">The error it failed with, if any.</param>
/// <param name="Message">The daemon's status message.</param>
/// <param name="UpdatedAt">When its status last changed.</param>
internal sealed record SwarmTask(string Id, long Slot, string? NodeId, string? Image, string State, string DesiredState, string? Error, string? Message, DateTimeOffset UpdatedAt)
{
    /// <summary>Whether it runs (and, with a health check, passed it: swarm reports "starting" until then).</summary>
    public bool IsRunning => State == "running";

    /// <summary>Whether it ended in failure.</summary>
    public bool HasFailed => State is "failed" or "rejected" || (State is "shutdown" or "complete" && Error is not null);

    /// <summary>Whether the orchestrator wants it running.</summary>
    public bool IsDesired => DesiredState is "running" or "ready" or "accepted";

    /// <summary>The digest its image is pinned to, or null.</summary>
    public string? Digest => SwarmService.DigestOf(Image);

    /// <summary>Reads the daemon's task object.</summary>
    public static SwarmTask From(JsonObject task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var status = task["Status"];
        return new SwarmTask(
            task["ID"]?.GetValue<string>() ?? "?",
            task["Slot"]?.GetValue<long>() ?? 0,
            task["NodeID"]?.GetValue<string>(),
            task["Spec"]?["ContainerSpec"]?["Image"]?.GetValue<string>(),
            status?["State"]?.GetValue<string>() ?? "unknown",
            task["DesiredState"]?.GetValue<string>() ?? "unknown",
            status?["Err"]?.GetValue<string>(),
            status?["Message"]?.GetValue<string>(),
            SwarmService.Time(status?["Timestamp"]) ?? SwarmService.Time(task["UpdatedAt"]) ?? DateTimeOffset.MinValue);
    }
}
