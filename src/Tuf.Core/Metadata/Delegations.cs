using System.Text.Json;
using Tuf.Internal;

namespace Tuf;

/// <summary>The delegations of a targets role: keys, and either ordered roles or TAP 15 succinct hash bins.</summary>
public sealed class Delegations
{
    /// <summary>Keys of the delegated roles, by key ID.</summary>
    public IDictionary<string, Key> Keys { get; set; } = new Dictionary<string, Key>(StringComparer.Ordinal);

    /// <summary>Delegated roles in priority order; <see langword="null"/> when <see cref="SuccinctRoles"/> is used.</summary>
    public IList<DelegatedRole>? Roles { get; set; }

    /// <summary>TAP 15 succinct hash-bin delegation; <see langword="null"/> when <see cref="Roles"/> is used.</summary>
    public SuccinctRoles? SuccinctRoles { get; set; }

    /// <summary>
    /// The delegations a search for <paramref name="targetPath"/> follows (5.6.7.2), in priority order, up to and
    /// including the first terminating one (after which the search visits nothing else). Named roles match by
    /// <c>paths</c> patterns or <c>path_hash_prefixes</c>; with TAP 15 succinct roles, the one bin the path hashes
    /// to, which terminates.
    /// </summary>
    /// <param name="delegator">The name of the role these delegations belong to.</param>
    /// <param name="targetPath">The target path.</param>
    /// <returns>The links, possibly none.</returns>
    public IReadOnlyList<DelegationLink> RolesFor(string delegator, string targetPath)
    {
        byte[]? pathHash = null;
        return RolesFor(delegator, targetPath, ref pathHash);
    }

    /// <summary>The link to <paramref name="roleName"/>, or null when these delegations do not name it.</summary>
    /// <param name="delegator">The name of the role these delegations belong to.</param>
    /// <param name="roleName">A role name.</param>
    /// <returns>The link.</returns>
    public DelegationLink? Find(string delegator, string roleName) => DelegationLink.Find(delegator, this, roleName);

    /// <summary>
    /// Throws unless <paramref name="metadata"/> of <paramref name="roleName"/> is signed by a threshold of the keys
    /// these delegations name for it (5.6.3).
    /// </summary>
    /// <param name="delegator">The name of the role these delegations belong to.</param>
    /// <param name="roleName">The delegated role.</param>
    /// <param name="metadata">Its metadata.</param>
    /// <exception cref="RepositoryException">These delegations do not name the role.</exception>
    /// <exception cref="UnsignedMetadataException">Fewer valid signatures than the threshold.</exception>
    public void VerifyDelegate(string delegator, string roleName, SignedEnvelope<Targets> metadata)
    {
        var link = Find(delegator, roleName)
            ?? throw new RepositoryException($"{ErrorText.Untrusted(delegator)} does not delegate to {ErrorText.Untrusted(roleName)}");
        link.Verify(metadata);
    }

    internal List<DelegationLink> RolesFor(string delegator, string targetPath, ref byte[]? pathHash)
    {
        ArgumentNullException.ThrowIfNull(delegator);
        ArgumentNullException.ThrowIfNull(targetPath);
        var result = new List<DelegationLink>();
        if (Roles is { } roles)
        {
            foreach (var role in roles)
            {
                if (role.IsDelegatedPath(targetPath, ref pathHash))
                {
                    result.Add(DelegationLink.Of(delegator, this, role));
                    if (role.Terminating)
                    {
                        break;
                    }
                }
            }
        }
        else if (SuccinctRoles is { } bins)
        {
            result.Add(DelegationLink.OfBin(delegator, this, bins.GetRoleForTarget(targetPath)));
        }

        return result;
    }

    /// <summary>Fields this library does not model.</summary>
    public IDictionary<string, JsonElement> UnrecognizedFields { get; set; } = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
}
