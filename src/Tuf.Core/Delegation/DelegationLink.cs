namespace Tuf;

/// <summary>
/// One delegation as a client follows it: the role <see cref="Delegator"/> trusts <see cref="RoleName"/> with the
/// keys and threshold of <see cref="Role"/>. The top-level <c>targets</c> role is reached through the link from
/// <c>root</c> (<see cref="TopLevel"/>).
/// </summary>
/// <remarks>
/// Trust in a role's metadata is trust through one link: metadata verified against one delegator's keys says
/// nothing about whether another delegator, naming other keys for the same role name, would trust it
/// (<see cref="Verify"/> is called once per link a role is reached through).
/// </remarks>
public sealed class DelegationLink
{
    private DelegationLink(string delegator, string roleName, Role role, IDictionary<string, Key> keys, bool terminating)
    {
        Delegator = delegator;
        RoleName = roleName;
        Role = role;
        Keys = keys;
        Terminating = terminating;
    }

    /// <summary>The delegating role (<c>root</c> for the top-level targets).</summary>
    public string Delegator { get; }

    /// <summary>The delegated role's name.</summary>
    public string RoleName { get; }

    /// <summary>The key IDs and threshold: a <see cref="DelegatedRole"/>, the <see cref="SuccinctRoles"/> the bin belongs
    /// to, or the root's <c>targets</c> role.</summary>
    public Role Role { get; }

    /// <summary>The keys the delegator lists, by key ID.</summary>
    public IDictionary<string, Key> Keys { get; }

    /// <summary>Whether a search that reaches this role goes no further (TAP 15 bins always terminate).</summary>
    public bool Terminating { get; }

    /// <summary>The named delegation, when <see cref="Role"/> is one.</summary>
    public DelegatedRole? Named => Role as DelegatedRole;

    /// <summary>The succinct hash bins, when <see cref="RoleName"/> is one of them.</summary>
    public SuccinctRoles? Succinct => Role as SuccinctRoles;

    /// <summary>The link from root to the top-level targets role.</summary>
    /// <param name="root">The trusted root.</param>
    /// <returns>The link.</returns>
    /// <exception cref="DeserializationException">The root does not define the targets role.</exception>
    public static DelegationLink TopLevel(Root root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return root.Roles.TryGetValue(Targets.TypeName, out var role)
            ? new DelegationLink(Root.TypeName, Targets.TypeName, role, root.Keys, terminating: false)
            : throw new DeserializationException("root.json does not define the targets role");
    }

    /// <summary>The link from <paramref name="delegator"/> to <paramref name="roleName"/>, when its delegations name it.</summary>
    /// <param name="delegator">The delegating role's name.</param>
    /// <param name="delegations">Its delegations.</param>
    /// <param name="roleName">The role looked for.</param>
    /// <returns>The link, or null when the delegations do not name the role.</returns>
    public static DelegationLink? Find(string delegator, Delegations? delegations, string roleName)
    {
        ArgumentNullException.ThrowIfNull(delegator);
        ArgumentNullException.ThrowIfNull(roleName);
        if (delegations is null)
        {
            return null;
        }

        foreach (var named in delegations.Roles ?? [])
        {
            if (named.Name == roleName)
            {
                return Of(delegator, delegations, named);
            }
        }

        return delegations.SuccinctRoles is { } bins && bins.IsDelegatedRole(roleName)
            ? new DelegationLink(delegator, roleName, bins, delegations.Keys, terminating: true)
            : null;
    }

    /// <summary>Whether this link delegates <paramref name="targetPath"/> (paths, hash prefixes, or the bin the path hashes to).</summary>
    /// <param name="targetPath">A target path.</param>
    /// <returns><see langword="true"/> when a client searching for the path follows this link.</returns>
    public bool Covers(string targetPath)
    {
        ArgumentNullException.ThrowIfNull(targetPath);
        return Role switch
        {
            DelegatedRole named => named.IsDelegatedPath(targetPath),
            SuccinctRoles bins => bins.GetRoleForTarget(targetPath) == RoleName,
            _ => Delegator == Root.TypeName,
        };
    }

    /// <summary>Throws unless <paramref name="metadata"/> is signed by a threshold of the keys this link names (5.6.3).</summary>
    /// <param name="metadata">The delegated role's metadata.</param>
    /// <exception cref="UnsignedMetadataException">Fewer valid signatures than the threshold.</exception>
    /// <exception cref="DeserializationException">A key ID is listed twice in the signatures.</exception>
    public void Verify(SignedEnvelope<Targets> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ThresholdVerifier.Verify(RoleName, metadata.SignedBytes.Span, metadata.Signatures, Role, Keys);
    }

    /// <summary>The number of distinct keys of this link with a valid signature over <paramref name="signedBytes"/>.</summary>
    /// <param name="signedBytes">The canonical bytes of the role's <c>signed</c> object.</param>
    /// <param name="signatures">Its signatures.</param>
    /// <returns>The count.</returns>
    public int CountValid(ReadOnlySpan<byte> signedBytes, IEnumerable<Signature> signatures) =>
        ThresholdVerifier.CountValid(signedBytes, signatures, Role, Keys);

    /// <summary>The link for a named delegation.</summary>
    internal static DelegationLink Of(string delegator, Delegations delegations, DelegatedRole named) =>
        new(delegator, named.Name, named, delegations.Keys, named.Terminating);

    /// <summary>The link for the bin <paramref name="bin"/> of <paramref name="delegations"/>' succinct roles.</summary>
    internal static DelegationLink OfBin(string delegator, Delegations delegations, string bin) =>
        new(delegator, bin, delegations.SuccinctRoles!, delegations.Keys, terminating: true);

    /// <inheritdoc/>
    public override string ToString() => $"{Delegator} -> {RoleName}";
}
