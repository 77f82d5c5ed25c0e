namespace Tuf;

/// <summary>
/// The specification's search for a target through the delegation graph (5.6.7): pre-order depth-first from the
/// top-level targets, delegations in listed order, only those that delegate the path, a role visited once, a
/// terminating delegation ending the search after its subtree, at most a set number of roles. The one
/// implementation the client's lookup, the server's publish validation and the signer's checks all follow.
/// </summary>
/// <remarks>
/// The search does no I/O: it says which role to consult next and through which <see cref="DelegationLink"/>; the
/// caller loads that role's metadata, verifies it against the link (<see cref="DelegationLink.Verify"/>), and either
/// stops (the role lists the target) or hands the metadata back with <see cref="Expand"/>.
/// <code>
/// var search = new DelegationSearch("app/1.0.tgz", DelegationLink.TopLevel(root), maxRoles: 32);
/// while (search.Next() is { } link)
/// {
///     Targets targets = LoadVerified(link);
///     if (targets.TargetFiles.TryGetValue(search.TargetPath, out var found)) return found;
///     search.Expand(targets);
/// }
/// </code>
/// </remarks>
public sealed class DelegationSearch
{
    private readonly Stack<DelegationLink> _toVisit = new();
    private readonly HashSet<string> _visited = new(StringComparer.Ordinal);
    private readonly int _maxRoles;
    private DelegationLink? _current;
    private byte[]? _pathHash;

    /// <summary>Starts a search for <paramref name="targetPath"/> at <paramref name="start"/> (normally <see cref="DelegationLink.TopLevel"/>).</summary>
    /// <param name="targetPath">The target path.</param>
    /// <param name="start">The first role to consult.</param>
    /// <param name="maxRoles">Most delegated roles consulted after the top-level targets (the client's <c>max_delegations</c>).</param>
    public DelegationSearch(string targetPath, DelegationLink start, int maxRoles)
    {
        ArgumentNullException.ThrowIfNull(targetPath);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRoles);
        TargetPath = targetPath;
        _maxRoles = maxRoles;
        _toVisit.Push(start);
    }

    /// <summary>The target path searched for.</summary>
    public string TargetPath { get; }

    /// <summary>Whether the search stopped at the role limit with roles still to visit.</summary>
    public bool LimitReached => _visited.Count > _maxRoles && _toVisit.Count > 0;

    /// <summary>How many roles were still to visit when the search stopped.</summary>
    public int Pending => _toVisit.Count;

    /// <summary>The next role to consult and the link it is reached through, or null when the search is over.</summary>
    /// <returns>The link.</returns>
    public DelegationLink? Next()
    {
        _current = null;
        // As python-tuf counts: the top-level targets plus up to maxRoles delegated roles.
        while (_visited.Count <= _maxRoles && _toVisit.TryPop(out var link))
        {
            // 5.6.7.1: a role visited before is skipped (cycles, and diamonds already consulted through another delegator).
            if (!_visited.Contains(link.RoleName))
            {
                _current = link;
                return link;
            }
        }

        return null;
    }

    /// <summary>
    /// Records that the role last returned by <see cref="Next"/> does not list the target, and queues its
    /// delegations that delegate the path (5.6.7.2).
    /// </summary>
    /// <param name="metadata">The role's verified metadata.</param>
    /// <exception cref="InvalidOperationException">No role is being consulted.</exception>
    public void Expand(Targets metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var current = _current ?? throw new InvalidOperationException("Expand follows Next");
        _current = null;
        _visited.Add(current.RoleName);
        if (metadata.Delegations is not { } delegations)
        {
            return;
        }

        var children = delegations.RolesFor(current.RoleName, TargetPath, ref _pathHash);
        if (children.Count > 0 && children[^1].Terminating)
        {
            // 5.6.7.2.1: a terminating delegation: nothing after it is visited, in this role or any other.
            _toVisit.Clear();
        }

        for (int i = children.Count - 1; i >= 0; i--)
        {
            _toVisit.Push(children[i]);
        }
    }
}
