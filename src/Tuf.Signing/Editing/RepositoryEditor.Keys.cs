using Tuf.Internal;

namespace Tuf.Signing;

public sealed partial class RepositoryEditor
{
    /// <summary>
    /// Replaces keys of a role. For top-level roles this stages a new root, which must be signed by a threshold of
    /// both the trusted root keys and the new ones; a targets role is re-staged to be signed by its new keys, and a
    /// new snapshot and timestamp are made at the next commit (so clients that see the key change discard their
    /// old timestamp and snapshot, spec 5.3.11).
    /// </summary>
    /// <param name="role">The role.</param>
    /// <param name="removeKeyIds">Key IDs to remove from the role.</param>
    /// <param name="addKeys">Keys to add.</param>
    /// <param name="threshold">A new threshold, or <see langword="null"/> to keep it.</param>
    /// <exception cref="SigningException">Unknown role or key, or an impossible threshold.</exception>
    public void RotateKeys(string role, IReadOnlyList<string> removeKeyIds, IReadOnlyList<Key> addKeys, int? threshold = null)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(removeKeyIds);
        ArgumentNullException.ThrowIfNull(addKeys);
        if (Names.IsTopLevel(role))
        {
            var current = EffectiveRoot.Roles[role];
            var ids = NewKeyIds(role, current, removeKeyIds, addKeys);
            int t = threshold ?? current.Threshold;
            CheckThreshold(role, ids.Count, t);

            var root = Stage("root").Root;
            var entry = root.Roles[role];
            entry.KeyIds = ids;
            entry.Threshold = t;
            foreach (var key in addKeys)
            {
                root.Keys[key.ComputeKeyId()] = key;
            }

            PruneKeys(root.Keys, root.Roles.Values);
            if (role == "targets")
            {
                Stage("targets");
            }
            else if (role is "snapshot" or "timestamp")
            {
                MarkPending("snapshot");
                MarkPending("timestamp");
            }

            return;
        }

        var link = FindDelegation(role) ?? throw new SigningException($"unknown role '{ErrorText.Untrusted(role)}'");
        var newIds = NewKeyIds(role, link.Role, removeKeyIds, addKeys);
        int newThreshold = threshold ?? link.Role.Threshold;
        CheckThreshold(role, newIds.Count, newThreshold);

        var delegations = Stage(link.Delegator).Targets.Delegations!;
        Role target = link.Succinct is not null ? delegations.SuccinctRoles! : delegations.Roles!.First(r => r.Name == role);
        target.KeyIds = newIds;
        target.Threshold = newThreshold;
        foreach (var key in addKeys)
        {
            delegations.Keys[key.ComputeKeyId()] = key;
        }

        IEnumerable<Role> users = delegations.SuccinctRoles is { } s ? [s] : delegations.Roles ?? [];
        PruneKeys(delegations.Keys, users);
        if (link.Succinct is { } bins)
        {
            foreach (var bin in bins.GetRoles())
            {
                Stage(bin);
            }
        }
        else
        {
            Stage(role);
        }
    }

    /// <summary>Sets a role's expiry to <paramref name="days"/> from now (and makes that the role's default).</summary>
    /// <param name="role">The role; for snapshot and timestamp the next commit makes new versions.</param>
    /// <param name="days">Days of validity, 1 to 36500.</param>
    /// <exception cref="SigningException">Unknown role or bad value.</exception>
    public void Expire(string role, int days)
    {
        ArgumentNullException.ThrowIfNull(role);
        CheckDays(days);
        if (role is "snapshot" or "timestamp")
        {
            if (IsServerSigned(role))
            {
                throw new SigningException($"the server signs '{role}' and sets its expiry");
            }

            Settings.ExpiryDays[role] = days;
            _settingsDirty = true;
            MarkPending(role);
            if (role == "snapshot")
            {
                MarkPending("timestamp");
            }

            return;
        }

        if (!RoleExists(role))
        {
            throw new SigningException($"unknown role '{ErrorText.Untrusted(role)}'");
        }

        Settings.ExpiryDays[role] = days;
        _settingsDirty = true;
        Stage(role).Signed.Expires = Now.AddDays(days);
    }

    private static List<string> NewKeyIds(string role, Role current, IReadOnlyList<string> remove, IReadOnlyList<Key> add)
    {
        var ids = new List<string>(current.KeyIds);
        foreach (var id in remove)
        {
            if (!ids.Remove(id))
            {
                throw new SigningException($"key {id[..Math.Min(12, id.Length)]}… is not a key of role '{role}'");
            }
        }

        foreach (var key in add)
        {
            string id = key.ComputeKeyId();
            if (ids.Contains(id))
            {
                throw new SigningException($"key {id[..12]}… is already a key of role '{role}'");
            }

            ids.Add(id);
        }

        return ids;
    }

    private static void PruneKeys(IDictionary<string, Key> keys, IEnumerable<Role> roles)
    {
        var used = roles.SelectMany(r => r.KeyIds).ToHashSet(StringComparer.Ordinal);
        foreach (var id in keys.Keys.Where(k => !used.Contains(k)).ToList())
        {
            keys.Remove(id);
        }
    }
}
