namespace Tuf.Signing;

public sealed partial class RepositoryEditor
{
    /// <summary>Every role: versions, expiry, signatures against thresholds and whether changes are staged.</summary>
    /// <returns>Root, targets and delegated roles (in delegation order), then snapshot and timestamp.</returns>
    public IReadOnlyList<RoleStatus> GetStatus()
    {
        var result = new List<RoleStatus>();
        foreach (var name in RoleOrder())
        {
            var state = GetRole(name);
            var counts = CountSignatures(name).Select(c => new SignatureCount(c.Authority.Description, c.Valid, c.Authority.Role.Threshold)).ToList();
            result.Add(new RoleStatus(name, state.PublishedVersion, state.Signed.Version, state.Signed.Expires, state.IsStaged, counts, (state.Signed as Targets)?.TargetFiles.Count ?? 0)
            {
                ValidityPeriod = TimeSpan.FromDays(Settings.DaysFor(name)),
            });
        }

        var root = EffectiveRoot;
        if (_publishedSnapshot is not null && !IsServerSigned("snapshot"))
        {
            var snap = _publishedSnapshot;
            result.Add(new RoleStatus("snapshot", snap.Signed.Version, snap.Signed.Version, snap.Signed.Expires, _pending.Contains("snapshot"),
                [new SignatureCount("snapshot", ThresholdVerifier.CountValid(snap.SignedBytes.Span, snap.Signatures, root.Roles["snapshot"], root.Keys), root.Roles["snapshot"].Threshold)], 0)
            {
                ValidityPeriod = TimeSpan.FromDays(Settings.DaysFor("snapshot")),
            });
        }

        if (_publishedTimestamp is not null && !IsServerSigned("timestamp"))
        {
            var ts = _publishedTimestamp;
            result.Add(new RoleStatus("timestamp", ts.Signed.Version, ts.Signed.Version, ts.Signed.Expires, _pending.Contains("timestamp"),
                [new SignatureCount("timestamp", ThresholdVerifier.CountValid(ts.SignedBytes.Span, ts.Signatures, root.Roles["timestamp"], root.Keys), root.Roles["timestamp"].Threshold)], 0)
            {
                ValidityPeriod = TimeSpan.FromDays(Settings.DaysFor("timestamp")),
            });
        }

        return result;
    }

    /// <summary>
    /// Each targets role as the next commit would publish it: its targets, what changed since the last commit
    /// (added, removed, changed), and the roles it delegates to.
    /// </summary>
    /// <returns>Targets, then delegated roles in delegation order.</returns>
    public IReadOnlyList<TargetsRoleDetails> GetTargetsRoles()
    {
        var result = new List<TargetsRoleDetails>();
        bool consistent = EffectiveRoot.ConsistentSnapshot;
        foreach (var name in RoleOrder().Where(n => n != "root"))
        {
            var state = GetRole(name);
            var targets = state.Targets;
            IReadOnlyDictionary<string, TargetFile> published = new Dictionary<string, TargetFile>(StringComparer.Ordinal);
            if (state.IsStaged && state.PublishedVersion > 0)
            {
                string path = _layout.MetadataPath(name, consistent ? state.PublishedVersion : null);
                if (File.Exists(path))
                {
                    published = new Dictionary<string, TargetFile>(Parse<Targets>(path).Signed.TargetFiles, StringComparer.Ordinal);
                }
            }
            else if (!state.IsStaged)
            {
                published = new Dictionary<string, TargetFile>(targets.TargetFiles, StringComparer.Ordinal);
            }

            var added = targets.TargetFiles.Keys.Where(k => !published.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
            var removed = published.Keys.Where(k => !targets.TargetFiles.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
            var changed = targets.TargetFiles.Where(p => published.TryGetValue(p.Key, out var old) && !SameTarget(old, p.Value)).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
            var delegations = targets.Delegations?.Roles?.ToList() ?? [];
            result.Add(new TargetsRoleDetails(name, state.IsStaged, new Dictionary<string, TargetFile>(targets.TargetFiles, StringComparer.Ordinal), added, removed, changed, delegations)
            {
                SuccinctRoles = targets.Delegations?.SuccinctRoles,
            });
        }

        return result;
    }

    private static bool SameTarget(TargetFile a, TargetFile b) =>
        a.Length == b.Length && a.Hashes.Count == b.Hashes.Count && a.Hashes.All(h => b.Hashes.TryGetValue(h.Key, out var v) && v == h.Value)
        && (a.Custom?.GetRawText() ?? "") == (b.Custom?.GetRawText() ?? "");

    /// <summary>root, targets, then every delegated role that exists, in delegation order.</summary>
    private List<string> RoleOrder()
    {
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

        return names.Where(RoleExists).ToList();
    }
}
