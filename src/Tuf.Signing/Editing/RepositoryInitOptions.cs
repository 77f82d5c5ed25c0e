namespace Tuf.Signing;

/// <summary>The keys, thresholds and settings of a new repository.</summary>
public sealed class RepositoryInitOptions
{
    /// <summary>Root keys (at least one).</summary>
    public required IReadOnlyList<Key> RootKeys { get; init; }

    /// <summary>How many root keys must sign.</summary>
    /// <value>1.</value>
    public int RootThreshold { get; init; } = 1;

    /// <summary>Targets keys (at least one).</summary>
    public required IReadOnlyList<Key> TargetsKeys { get; init; }

    /// <summary>How many targets keys must sign.</summary>
    /// <value>1.</value>
    public int TargetsThreshold { get; init; } = 1;

    /// <summary>Snapshot keys (at least one).</summary>
    public required IReadOnlyList<Key> SnapshotKeys { get; init; }

    /// <summary>How many snapshot keys must sign.</summary>
    /// <value>1.</value>
    public int SnapshotThreshold { get; init; } = 1;

    /// <summary>Timestamp keys (at least one).</summary>
    public required IReadOnlyList<Key> TimestampKeys { get; init; }

    /// <summary>How many timestamp keys must sign.</summary>
    /// <value>1.</value>
    public int TimestampThreshold { get; init; } = 1;

    /// <summary>Whether to publish consistent snapshots (<c>N.role.json</c>, <c>HASH.name</c> targets).</summary>
    /// <value><see langword="true"/>.</value>
    public bool ConsistentSnapshot { get; init; } = true;

    /// <summary>Days of validity of new versions, by role (<c>root</c>, <c>targets</c>, <c>snapshot</c>, <c>timestamp</c>, <c>delegated</c>).</summary>
    /// <value>root 365, targets 90, snapshot 7, timestamp 1, delegated 90.</value>
    public IReadOnlyDictionary<string, int>? ExpiryDays { get; init; }

    /// <summary>
    /// Top-level roles whose key a server holds: <c>timestamp</c>, and optionally <c>snapshot</c> as well. Their keys
    /// (the server's public keys) go in <see cref="TimestampKeys"/> / <see cref="SnapshotKeys"/>; a commit then
    /// neither needs them nor writes their metadata, because the server signs them when the repository is published.
    /// </summary>
    /// <value>None: every role is signed locally.</value>
    public IReadOnlyCollection<string>? ServerSignedRoles { get; init; }
}
