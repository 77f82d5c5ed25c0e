namespace Tuf;

/// <summary>
/// Every delegation of a repository that a client can follow: the links from the top-level targets down, each role
/// with all the links that reach it. A role reached through several delegators (a diamond) is trusted through each
/// of them only as far as it satisfies that delegator's keys and threshold, so a repository that clients can use
/// whichever way they reach a role signs it for every link in <see cref="LinksTo"/>.
/// </summary>
/// <remarks>
/// Built breadth-first without I/O: <see cref="NextToLoad"/> names a role whose metadata is needed, the caller hands it
/// over with <see cref="Add"/> (null when the role has no metadata). <see cref="Build"/> and <see cref="BuildAsync"/>
/// run that loop over a loader.
/// </remarks>
public sealed class DelegationGraph
{
    private readonly Dictionary<string, List<DelegationLink>> _links = new(StringComparer.Ordinal);
    private readonly Queue<string> _toLoad = new();
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly int _maxRoles;
    private string? _loading;

    /// <summary>Starts a graph whose walk loads at most <paramref name="maxRoles"/> roles.</summary>
    /// <param name="maxRoles">The most roles loaded; past it <see cref="LimitReached"/> is set and the walk stops.</param>
    public DelegationGraph(int maxRoles)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRoles);
        _maxRoles = maxRoles;
        _seen.Add(Targets.TypeName);
        _toLoad.Enqueue(Targets.TypeName);
    }

    /// <summary>Whether more roles were delegated than the walk may load.</summary>
    public bool LimitReached { get; private set; }

    /// <summary>The roles reached, in the order they were first reached (the top-level targets first).</summary>
    public IEnumerable<string> Roles => _seen;

    /// <summary>The next role whose metadata the walk needs, or null when the graph is complete.</summary>
    /// <returns>A role name.</returns>
    public string? NextToLoad()
    {
        _loading = _toLoad.TryDequeue(out var name) ? name : null;
        return _loading;
    }

    /// <summary>Adds the metadata of the role last returned by <see cref="NextToLoad"/>; its delegations become links.</summary>
    /// <param name="metadata">The role's metadata, or null when it has none (its delegations, if any, are unknown).</param>
    public void Add(Targets? metadata)
    {
        var name = _loading ?? throw new InvalidOperationException("Add follows NextToLoad");
        _loading = null;
        if (metadata?.Delegations is not { } delegations)
        {
            return;
        }

        foreach (var named in delegations.Roles ?? [])
        {
            Reach(DelegationLink.Of(name, delegations, named));
        }

        if (delegations.SuccinctRoles is { } bins)
        {
            foreach (var bin in bins.GetRoles())
            {
                Reach(DelegationLink.OfBin(name, delegations, bin));
            }
        }
    }

    /// <summary>Every link that reaches <paramref name="roleName"/>, in the order the walk found them (empty when none does).</summary>
    /// <param name="roleName">A delegated role.</param>
    /// <returns>The links.</returns>
    public IReadOnlyList<DelegationLink> LinksTo(string roleName)
    {
        ArgumentNullException.ThrowIfNull(roleName);
        return _links.TryGetValue(roleName, out var links) ? links : [];
    }

    /// <summary>Walks the whole graph with a synchronous loader.</summary>
    /// <param name="load">The metadata of a role, or null when it has none.</param>
    /// <param name="maxRoles">The most roles loaded.</param>
    /// <returns>The graph.</returns>
    public static DelegationGraph Build(Func<string, Targets?> load, int maxRoles)
    {
        ArgumentNullException.ThrowIfNull(load);
        var graph = new DelegationGraph(maxRoles);
        while (graph.NextToLoad() is { } name)
        {
            graph.Add(load(name));
        }

        return graph;
    }

    /// <summary>Walks the whole graph with an asynchronous loader.</summary>
    /// <param name="load">The metadata of a role, or null when it has none.</param>
    /// <param name="maxRoles">The most roles loaded.</param>
    /// <param name="cancellationToken">Cancels the walk.</param>
    /// <returns>The graph.</returns>
    public static async Task<DelegationGraph> BuildAsync(Func<string, CancellationToken, ValueTask<Targets?>> load, int maxRoles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(load);
        var graph = new DelegationGraph(maxRoles);
        while (graph.NextToLoad() is { } name)
        {
            graph.Add(await load(name, cancellationToken).ConfigureAwait(false));
        }

        return graph;
    }

    private void Reach(DelegationLink link)
    {
        // Top-level role names are never delegated roles: a client refuses such a delegation.
        if (link.RoleName is Root.TypeName or Timestamp.TypeName or Snapshot.TypeName or Targets.TypeName)
        {
            return;
        }

        if (!_links.TryGetValue(link.RoleName, out var list))
        {
            list = [];
            _links[link.RoleName] = list;
        }

        list.Add(link);
        if (_seen.Add(link.RoleName))
        {
            if (_seen.Count > _maxRoles)
            {
                LimitReached = true;
                _toLoad.Clear();
                return;
            }

            if (!LimitReached)
            {
                _toLoad.Enqueue(link.RoleName);
            }
        }
    }
}
