namespace Tuf.Rollout;

/// <summary>
/// A group of instances the rolling updater drives (in the spirit of Infrakit's group/instance plugins). Every
/// instance has one or more port slots; start-first runs the new process in a free slot while the old one still serves.
/// </summary>
public interface IInstanceProvider
{
    /// <summary>Instance names, in group order.</summary>
    IReadOnlyList<string> Instances { get; }

    /// <summary>How many processes an instance can run side by side (start-first needs 2).</summary>
    int SlotCount(string instance);

    /// <summary>The sha256 of the release live in the instance, or null when none is.</summary>
    string? GetInstalled(string instance);

    /// <summary>Null when the instance's live files match its verified release, else what differs.</summary>
    string? FindInstalledMismatch(string instance);

    /// <summary>Hash-checks the verified artifact again and unpacks it into the instance (not live yet).</summary>
    Task PrepareAsync(string instance, VerifiedArtifact artifact, CancellationToken cancellationToken = default);

    /// <summary>Makes an already prepared release live (atomic <c>current</c> swap); null removes the live release.</summary>
    Task ActivateAsync(string instance, string? sha256, CancellationToken cancellationToken = default);

    /// <summary>Starts a process of the live release in a free slot and returns the slot.</summary>
    Task<int> StartAsync(string instance, CancellationToken cancellationToken = default);

    /// <summary>Stops the instance's processes (SIGTERM, then SIGKILL after a grace period), except the one in <paramref name="exceptSlot"/>.</summary>
    Task StopAsync(string instance, int? exceptSlot = null, CancellationToken cancellationToken = default);

    /// <summary>Whether the process in <paramref name="slot"/> runs and passes its health check.</summary>
    Task<bool> IsHealthyAsync(string instance, int slot, CancellationToken cancellationToken = default);

    /// <summary>Where to look for a slot's process (for error messages): its id and log, as far as known.</summary>
    string DescribeSlot(string instance, int slot);

    /// <summary>Slots that have a live process.</summary>
    IReadOnlyList<int> RunningSlots(string instance);
}
