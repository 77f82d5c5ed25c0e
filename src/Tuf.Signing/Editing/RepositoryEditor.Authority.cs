namespace Tuf.Signing;

public sealed partial class RepositoryEditor
{
    /// <summary>One set of keys and threshold a role's signatures must satisfy.</summary>
    internal sealed record RoleAuthority(string Description, Role Role, IDictionary<string, Key> Keys);

    /// <summary>Where a delegated role is delegated from.</summary>
    internal sealed record DelegationLink(string Delegator, Delegations Delegations, Role Role, DelegatedRole? Named, SuccinctRoles? Succinct);

    /// <summary>
    /// The key sets a role's signatures must satisfy. A new root version must meet the thresholds of both the new
    /// root and the trusted (published) one (spec 5.3.4); other roles answer to their delegator.
    /// </summary>
    internal IReadOnlyList<RoleAuthority> AuthoritiesFor(string name)
    {
        if (name == "root")
        {
            var state = GetRole("root");
            var list = new List<RoleAuthority> { new("root (new keys)", state.Root.Roles["root"], state.Root.Keys) };
            if (state.IsStaged && _publishedRoot is not null && _publishedRoot.Signed.Version < state.Signed.Version)
            {
                var old = _publishedRoot.Signed;
                list.Add(new RoleAuthority($"root v{old.Version} (trusted keys)", old.Roles["root"], old.Keys));
            }

            return list;
        }

        if (Names.IsTopLevel(name))
        {
            var root = EffectiveRoot;
            return [new RoleAuthority(name, root.Roles[name], root.Keys)];
        }

        var link = FindDelegation(name) ?? throw new SigningException($"role '{ErrorText.Untrusted(name)}' is not delegated by any role");
        return [new RoleAuthority($"{name} (delegated by {link.Delegator})", link.Role, link.Delegations.Keys)];
    }

    /// <summary>Finds the role that delegates <paramref name="name"/>, searching from <c>targets</c> (hash bins are not loaded).</summary>
    internal DelegationLink? FindDelegation(string name)
    {
        var queue = new Queue<string>();
        var visited = new HashSet<string>(StringComparer.Ordinal) { "targets" };
        queue.Enqueue("targets");
        while (queue.Count > 0)
        {
            string current = queue.Dequeue();
            if (!RoleExists(current))
            {
                continue;
            }

            var delegations = GetRole(current).Targets.Delegations;
            if (delegations is null)
            {
                continue;
            }

            if (delegations.SuccinctRoles is { } succinct && succinct.IsDelegatedRole(name))
            {
                return new DelegationLink(current, delegations, succinct, null, succinct);
            }

            foreach (var role in delegations.Roles ?? [])
            {
                if (role.Name == name)
                {
                    return new DelegationLink(current, delegations, role, role, null);
                }

                if (visited.Add(role.Name))
                {
                    queue.Enqueue(role.Name);
                }
            }
        }

        return null;
    }

    /// <summary>Whether a client searching for <paramref name="targetPath"/> can reach <paramref name="role"/> (every link on the chain matches).</summary>
    internal bool IsDelegatedTo(string role, string targetPath)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (role != "targets")
        {
            if (!seen.Add(role))
            {
                return false;
            }

            var link = FindDelegation(role);
            if (link is null)
            {
                return false;
            }

            bool matches = link.Named is { } named ? named.IsDelegatedPath(targetPath) : link.Succinct!.GetRoleForTarget(targetPath) == role;
            if (!matches)
            {
                return false;
            }

            role = link.Delegator;
        }

        return true;
    }

    /// <summary>The number of valid signatures for each authority of a role.</summary>
    internal IReadOnlyList<(RoleAuthority Authority, int Valid)> CountSignatures(string name) => CountSignatures(GetRole(name), AuthoritiesFor(name));

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
