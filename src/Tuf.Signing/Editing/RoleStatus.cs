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
}

/// <summary>Valid signatures against one key set of a role.</summary>
/// <param name="Description">Which key set.</param>
/// <param name="Valid">Distinct authorized keys with a valid signature.</param>
/// <param name="Threshold">How many are needed.</param>
public sealed record SignatureCount(string Description, int Valid, int Threshold);
