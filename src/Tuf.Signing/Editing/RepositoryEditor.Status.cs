namespace Tuf.Signing;

public sealed partial class RepositoryEditor
{
    /// <summary>Every role: versions, expiry, signatures against thresholds and whether changes are staged.</summary>
    /// <returns>Root, targets and delegated roles (in delegation order), then snapshot and timestamp.</returns>
    public IReadOnlyList<RoleStatus> GetStatus()
    {
        var result = new List<RoleStatus>();
        var names = new List<string> { "root", "targets" };
        var seen = new HashSet<string>(names, StringComparer.Ordinal);
        for (int i = 1; i < names.Count; i++)
        {
            if (!RoleExists(names[i]))
            {
                continue;
            }

            var delegations = GetRole(names[i]).Targets.Delegations;
            IEnumerable<string> children = delegations?.SuccinctRoles?.GetRoles() ?? delegations?.Roles?.Select(r => r.Name) ?? [];
            foreach (var child in children)
            {
                if (seen.Add(child))
                {
                    names.Add(child);
                }
            }
        }

        foreach (var name in names)
        {
            if (!RoleExists(name))
            {
                continue;
            }

            var state = GetRole(name);
            var counts = CountSignatures(name).Select(c => new SignatureCount(c.Authority.Description, c.Valid, c.Authority.Role.Threshold)).ToList();
            result.Add(new RoleStatus(name, state.PublishedVersion, state.Signed.Version, state.Signed.Expires, state.IsStaged, counts, (state.Signed as Targets)?.TargetFiles.Count ?? 0));
        }

        var root = EffectiveRoot;
        if (_publishedSnapshot is not null && !IsServerSigned("snapshot"))
        {
            var snap = _publishedSnapshot;
            result.Add(new RoleStatus("snapshot", snap.Signed.Version, snap.Signed.Version, snap.Signed.Expires, _pending.Contains("snapshot"),
                [new SignatureCount("snapshot", ThresholdVerifier.CountValid(snap.SignedBytes.Span, snap.Signatures, root.Roles["snapshot"], root.Keys), root.Roles["snapshot"].Threshold)], 0));
        }

        if (_publishedTimestamp is not null && !IsServerSigned("timestamp"))
        {
            var ts = _publishedTimestamp;
            result.Add(new RoleStatus("timestamp", ts.Signed.Version, ts.Signed.Version, ts.Signed.Expires, _pending.Contains("timestamp"),
                [new SignatureCount("timestamp", ThresholdVerifier.CountValid(ts.SignedBytes.Span, ts.Signatures, root.Roles["timestamp"], root.Keys), root.Roles["timestamp"].Threshold)], 0));
        }

        return result;
    }
}
