namespace Tuf.Server.Publishing;

/// <summary>
/// Which target paths a delegated role is trusted for, decided as a client's search decides it.
/// </summary>
/// <remarks>
/// A client looking for a target descends only into the delegations that match its path (5.6.7.2: <c>paths</c>
/// patterns or <c>path_hash_prefixes</c>; TAP 15: the one succinct bin the path hashes to), and the specification
/// asks it to "check that a target is in one of the trusted paths of all roles in a delegation chain". So a role
/// is trusted for a path when some chain of delegations from the top-level targets down to it matches the path at
/// every link. Matching is Core's (<see cref="DelegatedRole.IsDelegatedPath"/>, <see cref="SuccinctRoles.GetRoleForTarget"/>),
/// as in the client and the signer. Priority between overlapping delegations (<c>terminating</c>) is not considered:
/// it decides which of several trusted roles wins, not whether a role is trusted for a path at all.
/// </remarks>
internal static class DelegationCoverage
{
    /// <summary>Whether the delegation <paramref name="delegation"/> (one link of a chain) covers <paramref name="targetPath"/> for <paramref name="role"/>.</summary>
    /// <param name="delegation">A named delegation, or the succinct bins that include <paramref name="role"/>.</param>
    /// <param name="role">The delegated role's name.</param>
    /// <param name="targetPath">A target path.</param>
    public static bool Covers(Role delegation, string role, string targetPath) => delegation switch
    {
        DelegatedRole named => named.IsDelegatedPath(targetPath),
        SuccinctRoles bins => bins.GetRoleForTarget(targetPath) == role,
        _ => false,
    };

    /// <summary>
    /// Whether a client searching for <paramref name="targetPath"/> can reach <paramref name="role"/>: some chain of
    /// delegations from the top-level targets to it covers the path at every link.
    /// </summary>
    /// <param name="role">The delegated role.</param>
    /// <param name="targetPath">The target path it lists.</param>
    /// <param name="loadTargets">The targets metadata of a role in the new state (null when it has none).</param>
    /// <param name="maxRoles">Most roles to walk.</param>
    /// <exception cref="ApiException">More than <paramref name="maxRoles"/> roles would have to be walked.</exception>
    public static async Task<bool> IsReachableAsync(string role, string targetPath, Func<string, Task<Targets?>> loadTargets, int maxRoles)
    {
        ArgumentNullException.ThrowIfNull(loadTargets);

        // Breadth-first over the delegations that match this path only; a role seen once is not walked again
        // (5.6.7.1), which loses no chain: the matching links do not depend on how a role was reached.
        var visited = new HashSet<string>(StringComparer.Ordinal) { Targets.TypeName };
        var queue = new Queue<string>([Targets.TypeName]);
        while (queue.TryDequeue(out var name))
        {
            var delegations = (await loadTargets(name).ConfigureAwait(false))?.Delegations;
            if (delegations is null)
            {
                continue;
            }

            foreach (var child in MatchingRoles(delegations, targetPath))
            {
                if (child == role)
                {
                    return true;
                }

                if (visited.Add(child))
                {
                    if (visited.Count > maxRoles)
                    {
                        throw ApiException.BadRequest(ErrorCodes.DelegationTooDeep, $"More than {maxRoles} delegated roles would have to be walked.");
                    }

                    queue.Enqueue(child);
                }
            }
        }

        return false;
    }

    private static IEnumerable<string> MatchingRoles(Delegations delegations, string targetPath)
    {
        foreach (var named in delegations.Roles ?? [])
        {
            if (named.IsDelegatedPath(targetPath))
            {
                yield return named.Name;
            }
        }

        if (delegations.SuccinctRoles is { } bins)
        {
            yield return bins.GetRoleForTarget(targetPath);
        }
    }
}
