namespace Tuf.Server.Publishing;

/// <summary>An upload that passed every check, ready for the server to add snapshot and timestamp.</summary>
internal sealed class ValidatedPublish
{
    /// <summary>The root that governs the new state (uploaded or current).</summary>
    public required Root TrustedRoot { get; init; }

    /// <summary>Whether the root names a server-held snapshot key (the server builds snapshots).</summary>
    public required bool SnapshotManaged { get; init; }

    /// <summary>Uploaded files in dependency order (root, targets, delegated roles, snapshot).</summary>
    public required IReadOnlyList<(string Role, long Version, byte[] Data)> Files { get; init; }

    /// <summary>Version of every targets role (top-level and delegated) in the new state.</summary>
    public required IReadOnlyDictionary<string, long> TargetsRoleVersions { get; init; }

    /// <summary>Verified hosted target content with the hashes the metadata lists.</summary>
    public required IReadOnlyList<Storage.HostedTarget> Targets { get; init; }

    /// <summary>The uploaded snapshot, when the collection manages its own snapshot.</summary>
    public byte[]? UploadedSnapshot { get; init; }

    /// <summary>Version of <see cref="UploadedSnapshot"/>.</summary>
    public long UploadedSnapshotVersion { get; init; }
}
