namespace Tuf.Rollout.Swarm;

/// <summary>A swarm service as it runs now, with the group's last rollout.</summary>
/// <param name="Journal">The group's last rollout, if any.</param>
/// <param name="Service">The service name.</param>
/// <param name="Image">The image the service spec names.</param>
/// <param name="ImageDigest">The digest that image is pinned to, if it is pinned.</param>
/// <param name="Replicas">The replica count (null for a global service).</param>
/// <param name="UpdateState">Docker's update state (<c>updating</c>, <c>completed</c>, <c>paused</c>, ...), if an update ran.</param>
/// <param name="UpdateMessage">Docker's message about the update, if any.</param>
/// <param name="Instances">The desired tasks, by slot.</param>
public sealed record SwarmStatus(
    SwarmJournal? Journal,
    string Service,
    string? Image,
    string? ImageDigest,
    long? Replicas,
    string? UpdateState,
    string? UpdateMessage,
    IReadOnlyList<SwarmInstance> Instances)
{
    /// <summary>Whether the service runs the digest the journal verified (true when there is no journal).</summary>
    public bool RunsVerifiedDigest => Journal?.VerifiedDigest is not { } digest || ImageDigest == digest;
}

/// <summary>One task of a swarm service.</summary>
/// <param name="Name">The task's name, <c>SERVICE.SLOT</c>.</param>
/// <param name="State">Docker's task state (<c>running</c>, <c>starting</c>, <c>failed</c>, ...).</param>
/// <param name="Node">The host name of the node it runs on, if known.</param>
/// <param name="Release">The digest (or image) it runs.</param>
/// <param name="Error">Docker's error for the task, if any.</param>
public sealed record SwarmInstance(string Name, string State, string? Node, string? Release, string? Error);
