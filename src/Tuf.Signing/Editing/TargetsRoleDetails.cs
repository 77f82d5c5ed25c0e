namespace Tuf.Signing;

/// <summary>A targets role as the next commit would publish it, and what changed since the last commit.</summary>
/// <param name="Role">The role name.</param>
/// <param name="IsStaged">Whether the role has changes waiting for commit.</param>
/// <param name="Targets">Every target the role lists, by path.</param>
/// <param name="Added">Paths listed now and not in the published version.</param>
/// <param name="Removed">Paths of the published version no longer listed.</param>
/// <param name="Changed">Paths whose length, hashes or custom data changed.</param>
/// <param name="Delegations">The roles it delegates to (paths or hash prefixes, keys, threshold, terminating).</param>
public sealed record TargetsRoleDetails(
    string Role, bool IsStaged, IReadOnlyDictionary<string, TargetFile> Targets, IReadOnlyList<string> Added, IReadOnlyList<string> Removed,
    IReadOnlyList<string> Changed, IReadOnlyList<DelegatedRole> Delegations)
{
    /// <summary>Hashed bins delegated succinctly (TAP 15), when the role uses them.</summary>
    public SuccinctRoles? SuccinctRoles { get; init; }
}
