namespace Tuf.Signing;

/// <summary>The state of one role, as <c>tuf repo status</c> shows it.</summary>
/// <param name="Name">The role name.</param>
/// <param name="PublishedVersion">The published version (0 when never published).</param>
/// <param name="Version">The current version: staged when <paramref name="IsStaged"/>, else published.</param>
/// <param name="Expires">The current version's expiry.</param>
/// <param name="IsStaged">Whether the role has changes waiting for commit.</param>
/// <param name="Signatures">Valid signatures on the current version, per key set it must satisfy (one, or two for a new root).</param>
/// <param name="TargetCount">Targets listed (for targets roles).</param>
public sealed record RoleStatus(
    string Name, long PublishedVersion, long Version, DateTimeOffset Expires, bool IsStaged, IReadOnlyList<SignatureCount> Signatures, int TargetCount)
{
    /// <summary>Whether every threshold is met.</summary>
    public bool IsSigned => Signatures.All(s => s.Valid >= s.Threshold);

    /// <summary>How long a new version of this role stays valid (the repository's setting for the role).</summary>
    public TimeSpan ValidityPeriod { get; init; }

    /// <summary>
    /// The last quarter of <see cref="ValidityPeriod"/> before <see cref="Expires"/>: in it the role should be
    /// re-signed (<c>tuf repo commit --refresh</c> for snapshot and timestamp, <c>tuf repo expire</c> for the others).
    /// </summary>
    public TimeSpan RefreshWindow => ValidityPeriod / 4;

    /// <summary>Whether the role is expired, due for re-signing, or fine at <paramref name="now"/>.</summary>
    /// <param name="now">The time to judge at.</param>
    /// <returns>The state.</returns>
    public RoleExpiry ExpiryAt(DateTimeOffset now) =>
        Expires <= now ? RoleExpiry.Expired : Expires - now <= RefreshWindow ? RoleExpiry.DueForRefresh : RoleExpiry.Valid;
}

/// <summary>Where a role stands against its expiry.</summary>
public enum RoleExpiry
{
    /// <summary>Valid, and not yet in its refresh window.</summary>
    Valid,

    /// <summary>Still valid, but in the last quarter of its validity: re-sign it.</summary>
    DueForRefresh,

    /// <summary>Expired: clients refuse it.</summary>
    Expired,
}

/// <summary>Valid signatures against one key set of a role.</summary>
/// <param name="Description">Which key set.</param>
/// <param name="Valid">Distinct authorized keys with a valid signature.</param>
/// <param name="Threshold">How many are needed.</param>
public sealed record SignatureCount(string Description, int Valid, int Threshold);
