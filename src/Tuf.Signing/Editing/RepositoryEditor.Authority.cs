using Tuf.Internal;

namespace Tuf.Signing;

public sealed partial class RepositoryEditor
{
    /// <summary>One set of keys and threshold a role's signatures must satisfy.</summary>
    internal sealed record RoleAuthority(string Description, Role Role, IDictionary<string, Key> Keys);

    /// <summary>Most roles a delegation walk of the editor loads (as the server's publish validation).</summary>
    private const int MaxDelegationWalk = 10_000;

    /// <summary>
    /// The key sets a role's signatures must satisfy. A new root version must meet the thresholds of both the new
    /// root and the trusted (published) one (spec 5.3.4); the top-level roles answer to root; a delegated role answers
    /// to every delegation that reaches it (Core's <see cref="Tuf.DelegationGraph"/>): a client trusts it through
    /// whichever delegator its search comes from, and the server refuses a role that does not satisfy them all.
    /// </summary>
    internal IReadOnlyList<RoleAuthority> AuthoritiesFor(string name) => AuthoritiesFor([name])[0];

    /// <summary>The authorities of several roles, walking the delegation graph once.</summary>
    internal IReadOnlyList<RoleAuthority>[] AuthoritiesFor(IReadOnlyList<string> names)
    {
        var result = new IReadOnlyList<RoleAuthority>[names.Count];
        DelegationGraph? graph = null;
        for (int i = 0; i < names.Count; i++)
        {
            string name = names[i];
            if (name == "root")
            {
                var state = GetRole("root");
                var list = new List<RoleAuthority> { new("root (new keys)", state.Root.Roles["root"], state.Root.Keys) };
                if (state.IsStaged && _publishedRoot is not null && _publishedRoot.Signed.Version < state.Signed.Version)
                {
                    var old = _publishedRoot.Signed;
                    list.Add(new RoleAuthority($"root v{old.Version} (trusted keys)", old.Roles["root"], old.Keys));
                }

                result[i] = list;
            }
            else if (Names.IsTopLevel(name))
            {
                var root = EffectiveRoot;
                result[i] = [new RoleAuthority(name, root.Roles[name], root.Keys)];
            }
            else
            {
                graph ??= WalkDelegations();
                var links = graph.LinksTo(name);
                if (links.Count == 0)
                {
                    throw new SigningException($"role '{ErrorText.Untrusted(name)}' is not delegated by any role");
                }

                result[i] = links.Select(l => new RoleAuthority($"{name} (delegated by {l.Delegator})", l.Role, l.Keys)).ToList();
            }
        }

        return result;
    }

    /// <summary>The first delegation (breadth-first from <c>targets</c>) that reaches <paramref name="name"/>: the one edits of its keys change.</summary>
    internal DelegationLink? FindDelegation(string name)
    {
        var links = WalkDelegations().LinksTo(name);
        return links.Count > 0 ? links[0] : null;
    }

    /// <summary>
    /// Whether a client searching for <paramref name="targetPath"/> reaches <paramref name="role"/>: Core's
    /// <see cref="DelegationSearch"/> (paths at every link, terminating delegations, bins), as the client and the
    /// server's publish validation decide it.
    /// </summary>
    internal bool IsDelegatedTo(string role, string targetPath)
    {
        var search = new DelegationSearch(targetPath, DelegationLink.TopLevel(EffectiveRoot), MaxDelegationWalk);
        while (search.Next() is { } link)
        {
            if (link.RoleName == role)
            {
                return true;
            }

            search.Expand(RoleExists(link.RoleName) ? GetRole(link.RoleName).Targets : new Targets());
        }

        return false;
    }

    /// <summary>
    /// The delegation graph of the repository as staged. Hash bins that are not loaded already are taken to delegate
    /// nothing (the editor refuses delegations from a bin), so a change to one bin does not read all the others.
    /// </summary>
    private DelegationGraph WalkDelegations()
    {
        var graph = new DelegationGraph(MaxDelegationWalk);
        while (graph.NextToLoad() is { } name)
        {
            bool unreadBin = !_roles.ContainsKey(name) && graph.LinksTo(name) is { Count: > 0 } links && links.All(l => l.Succinct is not null);
            graph.Add(unreadBin || !RoleExists(name) ? null : GetRole(name).Targets);
        }

        if (graph.LimitReached)
        {
            throw new SigningException($"more than {MaxDelegationWalk} delegated roles: the delegation graph is too large to walk");
        }

        return graph;
    }

    /// <summary>The number of valid signatures for each authority of a role.</summary>
    internal IReadOnlyList<(RoleAuthority Authority, int Valid)> CountSignatures(string name) => CountSignatures(GetRole(name), AuthoritiesFor(name));

    /// <summary>
    /// The valid signatures of <paramref name="role"/> as the next commit would publish it (staged, else published),
    /// against each key set it must satisfy: a new root answers to the new and the trusted root, a delegated role to
    /// every delegation that reaches it.
    /// </summary>
    /// <param name="role">The role name.</param>
    /// <returns>One count per key set.</returns>
    /// <exception cref="SigningException">No such role.</exception>
    public IReadOnlyList<SignatureCount> GetSignatureCounts(string role) =>
        [.. CountSignatures(role).Select(c => new SignatureCount(c.Authority.Description, c.Valid, c.Authority.Role.Threshold))];

    /// <summary>The number of valid signatures of <paramref name="state"/> for each of its authorities (reads nothing else).</summary>
    private static List<(RoleAuthority Authority, int Valid)> CountSignatures(RoleState state, IReadOnlyList<RoleAuthority> authorities)
    {
        var bytes = state.SignedBytes();
        var result = new List<(RoleAuthority, int)>();
        foreach (var authority in authorities)
        {
            result.Add((authority, ThresholdVerifier.CountValid(bytes.Span, state.Signatures, authority.Role, authority.Keys)));
        }

        return result;
    }

    private static bool IsAuthorized(IReadOnlyList<RoleAuthority> authorities, string keyId) =>
        authorities.Any(a => a.Role.KeyIds.Contains(keyId) && a.Keys.ContainsKey(keyId));

    /// <summary>Adds one signature to a staged role, without changing its signed bytes.</summary>
    /// <param name="role">The staged role.</param>
    /// <param name="signer">A key of the role.</param>
    /// <param name="cancellationToken">Cancels signing.</param>
    /// <returns>A task that completes when the signature is added (call <see cref="Save"/> to keep it).</returns>
    /// <exception cref="SigningException">The role is not staged, or the key is not one of its keys.</exception>
    public async Task SignAsync(string role, ISigner signer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(signer);
        if (role is "snapshot" or "timestamp")
        {
            throw new SigningException($"'{role}' is made and signed by 'tuf repo commit'; pass its key to commit");
        }

        var state = GetRole(role);
        if (!state.IsStaged)
        {
            throw new SigningException($"role '{role}' has no staged changes to sign");
        }

        if (!IsAuthorized(AuthoritiesFor(role), signer.KeyId))
        {
            throw new SigningException($"key {signer.KeyId[..12]}… is not a key of role '{role}'");
        }

        await AddSignatureAsync(state, signer, cancellationToken).ConfigureAwait(false);
    }

    private static async Task AddSignatureAsync(RoleState state, ISigner signer, CancellationToken cancellationToken)
    {
        var signature = await SignedRole<Signed>.CreateSignatureAsync(signer, state.SignedBytes(), cancellationToken).ConfigureAwait(false);
        state.Signatures.RemoveAll(s => s.KeyId == signer.KeyId);
        state.Signatures.Add(signature);
        state.Dirty = true;
    }
}
