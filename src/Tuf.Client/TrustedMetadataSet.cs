using Tuf.Internal;

namespace Tuf.Client;

/// <summary>
/// The trusted metadata of one update cycle: a pure state machine of the specification's detailed client
/// workflow (sections 5.2 to 5.6). Bytes go in; verified metadata or a <see cref="RepositoryException"/> comes out.
/// No network, no disk, no clock: the reference time is fixed when the set is created.
/// </summary>
/// <remarks>
/// <para>Loading rules (as python-tuf's <c>TrustedMetadataSet</c> states them):</para>
/// <list type="bullet">
/// <item>Metadata loads in order root → timestamp → snapshot → targets → delegated targets. Calls in another
/// order are caller bugs and throw <see cref="InvalidOperationException"/>.</item>
/// <item>Nothing earlier may change once a later role has loaded: root cannot change after timestamp,
/// timestamp cannot change after snapshot, snapshot cannot change after targets.</item>
/// <item>An "intermediate" timestamp or snapshot (expired, or a snapshot whose version does not match the
/// timestamp) is kept so that the next version can be checked against it for rollback, but the set refuses
/// to go further with it: the next step re-checks that its predecessor is valid as final.</item>
/// <item>A root's expiry is checked only once the chain is complete (5.3.10), at the first timestamp update.</item>
/// <item>Delegated targets metadata is trusted through the delegation it was verified against, not by its name:
/// reaching the same role through another delegator verifies it again against that delegator's keys and threshold
/// (<see cref="TryGetTargets(string, string, out Targets?)"/>).</item>
/// </list>
/// </remarks>
internal sealed class TrustedMetadataSet
{
    private const string RootRole = Root.TypeName;
    private const string TimestampRole = Timestamp.TypeName;
    private const string SnapshotRole = Snapshot.TypeName;
    private const string TargetsRole = Targets.TypeName;

    private readonly DateTimeOffset _referenceTime;
    private readonly Dictionary<string, TrustedTargets> _targets = new(StringComparer.Ordinal);
    private readonly Role _initialTimestampRole;
    private readonly Role _initialSnapshotRole;

    /// <summary>Loads the trusted root (5.2). Its expiry is not checked here: a shipped root may be expired.</summary>
    /// <param name="trustedRoot">The bytes of the locally trusted root.</param>
    /// <param name="referenceTime">The fixed update start time (5.1).</param>
    public TrustedMetadataSet(ReadOnlySpan<byte> trustedRoot, DateTimeOffset referenceTime)
    {
        _referenceTime = referenceTime;
        var envelope = MetadataParser.Parse<Root>(trustedRoot, "root.json");
        var root = envelope.Signed;

        // 5.2: the trusted root must be signed by a threshold of its own root keys.
        ThresholdVerifier.Verify(RootRole, envelope.SignedBytes.Span, envelope.Signatures, RequireTopLevelRole(root, RootRole), root.Keys);
        Root = root;
        _initialTimestampRole = RequireTopLevelRole(root, TimestampRole);
        _initialSnapshotRole = RequireTopLevelRole(root, SnapshotRole);
    }

    /// <summary>The fixed reference time of this update cycle.</summary>
    public DateTimeOffset ReferenceTime => _referenceTime;

    /// <summary>The trusted root (the newest one verified so far).</summary>
    public Root Root { get; private set; }

    /// <summary>The trusted timestamp, possibly one kept only for rollback checks.</summary>
    public Timestamp? Timestamp { get; private set; }

    /// <summary>The trusted snapshot, possibly one kept only for rollback checks.</summary>
    public Snapshot? Snapshot { get; private set; }

    /// <summary>The trusted top-level targets.</summary>
    public Targets? Targets => _targets.GetValueOrDefault(TargetsRole)?.Targets;

    /// <summary>
    /// 5.3.11: whether the root chain walked in this cycle changed the timestamp or snapshot keys or threshold
    /// compared with the root trusted at the start. Then locally cached timestamp and snapshot must not be used
    /// (fast-forward attack recovery).
    /// </summary>
    public bool TimestampOrSnapshotKeysRotated =>
        !SameRole(_initialTimestampRole, RequireTopLevelRole(Root, TimestampRole))
        || !SameRole(_initialSnapshotRole, RequireTopLevelRole(Root, SnapshotRole));

    /// <summary>The targets metadata of <paramref name="roleName"/> (top-level or delegated) when it has been loaded,
    /// whichever delegation it was verified through.</summary>
    /// <param name="roleName">The role name.</param>
    /// <param name="targets">The metadata.</param>
    /// <returns><see langword="true"/> when loaded.</returns>
    public bool TryGetTargets(string roleName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Targets? targets)
    {
        targets = _targets.TryGetValue(roleName, out var trusted) ? trusted.Targets : null;
        return targets is not null;
    }

    /// <summary>
    /// The targets metadata of <paramref name="roleName"/> as trusted through <paramref name="delegatorName"/>'s
    /// delegation. When the role was loaded through another delegation, the metadata already loaded (the version the
    /// snapshot lists) is verified again, now against the keys and threshold <paramref name="delegatorName"/> names
    /// for it; an earlier verification through another delegator never stands in.
    /// </summary>
    /// <param name="roleName">The role name.</param>
    /// <param name="delegatorName">The trusted role that delegates to it (<c>root</c> for the top-level targets).</param>
    /// <param name="targets">The metadata.</param>
    /// <returns><see langword="true"/> when loaded and trusted through this delegation; false when not loaded yet.</returns>
    /// <exception cref="UnsignedMetadataException">The loaded metadata is not signed by a threshold of this delegation's keys.</exception>
    /// <exception cref="RepositoryException"><paramref name="delegatorName"/> does not delegate to the role.</exception>
    public bool TryGetTargets(string roleName, string delegatorName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Targets? targets)
    {
        ArgumentNullException.ThrowIfNull(roleName);
        ArgumentNullException.ThrowIfNull(delegatorName);
        targets = null;
        if (!_targets.TryGetValue(roleName, out var trusted))
        {
            return false;
        }

        if (!trusted.IsTrustedThrough(delegatorName))
        {
            var link = LinkTo(roleName, delegatorName);
            // 5.6.3 for this delegation: the same bytes, this delegator's keys and threshold.
            link.Verify(trusted.Envelope!);
            trusted.AddDelegator(delegatorName);
        }

        targets = trusted.Targets;
        return true;
    }

    /// <summary>Verifies and trusts root version N+1 (5.3.3 to 5.3.7).</summary>
    /// <param name="data">The bytes of the new root.</param>
    /// <returns>The new trusted root.</returns>
    public Root UpdateRoot(ReadOnlySpan<byte> data)
    {
        if (Timestamp is not null)
        {
            throw new InvalidOperationException("Cannot update root after timestamp");
        }

        var envelope = MetadataParser.Parse<Root>(data, "root.json");
        var newRoot = envelope.Signed;

        // 5.3.4: signed by a threshold of the keys of the trusted root (version N) ...
        ThresholdVerifier.Verify(RootRole, envelope.SignedBytes.Span, envelope.Signatures, RequireTopLevelRole(Root, RootRole), Root.Keys);

        // 5.3.5: the version must be exactly N+1 (lower is a rollback; equal is not a new root either).
        if (newRoot.Version != Root.Version + 1)
        {
            throw new BadVersionNumberException(
                RootRole, Root.Version + 1, newRoot.Version, $"root.json version {newRoot.Version} is not the expected {Root.Version + 1}");
        }

        // 5.3.4: ... and by a threshold of the keys of the new root itself (version N+1).
        ThresholdVerifier.Verify(RootRole, envelope.SignedBytes.Span, envelope.Signatures, RequireTopLevelRole(newRoot, RootRole), newRoot.Keys);

        // 5.3.6: the expiry of an intermediate root does not matter; 5.3.10 checks the final one.
        // 5.3.7: the new root becomes the trusted root.
        Root = newRoot;
        return newRoot;
    }

    /// <summary>5.3.10: throws <see cref="ExpiredMetadataException"/> when the final root has expired (freeze attack).
    /// Call it when the root chain is complete; <see cref="UpdateTimestamp"/> checks it again.</summary>
    public void CheckFinalRoot()
    {
        if (Root.IsExpired(_referenceTime))
        {
            throw new ExpiredMetadataException(RootRole, Root.Expires, _referenceTime);
        }
    }

    /// <summary>Verifies and trusts a timestamp (5.3.10, 5.4.2 to 5.4.4).</summary>
    /// <param name="data">The bytes of the new timestamp.</param>
    /// <returns><see cref="TimestampUpdate.Unchanged"/> when the version equals the trusted one (not an error).</returns>
    /// <remarks>An expired timestamp is kept as trusted (for rollback checks of the next one) and then reported with
    /// <see cref="ExpiredMetadataException"/>; the snapshot update refuses to proceed with it.</remarks>
    public TimestampUpdate UpdateTimestamp(ReadOnlySpan<byte> data)
    {
        if (Snapshot is not null)
        {
            throw new InvalidOperationException("Cannot update timestamp after snapshot");
        }

        // 5.3.10: the final root must not be expired (freeze attack).
        CheckFinalRoot();

        // 5.3.11 needs nothing here: a timestamp can only be loaded after the root chain is complete, and it is
        // verified with the final root's keys, so one signed by rotated-out keys never loads.
        var envelope = MetadataParser.Parse<Timestamp>(data, "timestamp.json");
        var newTimestamp = envelope.Signed;

        // 5.4.2: signed by a threshold of the timestamp keys of the trusted root (arbitrary software attack).
        ThresholdVerifier.Verify(TimestampRole, envelope.SignedBytes.Span, envelope.Signatures, RequireTopLevelRole(Root, TimestampRole), Root.Keys);

        if (Timestamp is not null)
        {
            // 5.4.3.1: the version must not decrease (rollback attack) ...
            if (newTimestamp.Version < Timestamp.Version)
            {
                throw new BadVersionNumberException(
                    TimestampRole, Timestamp.Version, newTimestamp.Version,
                    $"timestamp.json version {newTimestamp.Version} is lower than the trusted version {Timestamp.Version}");
            }

            // 5.4.3.1: ... and an equal version means nothing is new: keep the trusted timestamp, not an error.
            if (newTimestamp.Version == Timestamp.Version)
            {
                return TimestampUpdate.Unchanged;
            }

            // 5.4.3.2: the snapshot version it lists must not decrease.
            if (newTimestamp.SnapshotMeta.Version < Timestamp.SnapshotMeta.Version)
            {
                throw new BadVersionNumberException(
                    SnapshotRole, Timestamp.SnapshotMeta.Version, newTimestamp.SnapshotMeta.Version,
                    $"timestamp.json lists snapshot version {newTimestamp.SnapshotMeta.Version}, lower than the trusted {Timestamp.SnapshotMeta.Version}");
            }
        }

        // Expiry is checked after the timestamp is kept, so that an expired one still protects against rollback.
        Timestamp = newTimestamp;

        // 5.4.4: the new timestamp must not be expired (freeze attack).
        CheckFinalTimestamp();
        return TimestampUpdate.Updated;
    }

    /// <summary>Verifies and trusts a snapshot (5.5.2 to 5.5.6).</summary>
    /// <param name="data">The bytes of the new snapshot.</param>
    /// <param name="isTrustedLocalCopy">The bytes come from the local cache, where they were stored only after an
    /// earlier full verification; the hashes listed in the timestamp are then not required to match (the timestamp
    /// may have moved on) and the snapshot may serve only as the base of rollback checks if it is not final.</param>
    /// <returns>The new trusted snapshot.</returns>
    /// <remarks>A snapshot that is expired or whose version differs from the timestamp's is kept (for rollback
    /// checks of the next one) and then reported; targets updates refuse to proceed with it.</remarks>
    public Snapshot UpdateSnapshot(ReadOnlySpan<byte> data, bool isTrustedLocalCopy = false)
    {
        if (Timestamp is null)
        {
            throw new InvalidOperationException("Cannot update snapshot before timestamp");
        }

        if (Targets is not null)
        {
            throw new InvalidOperationException("Cannot update snapshot after targets");
        }

        // 5.4.4: no snapshot may be loaded on the word of an expired timestamp.
        CheckFinalTimestamp();

        // 5.5.2: length and hashes, when the timestamp lists them, must match (mix-and-match attack).
        if (!isTrustedLocalCopy)
        {
            Digests.Verify(data, Timestamp.SnapshotMeta.Length, Timestamp.SnapshotMeta.Hashes, "snapshot.json");
        }

        var envelope = MetadataParser.Parse<Snapshot>(data, "snapshot.json");
        var newSnapshot = envelope.Signed;

        // 5.5.3: signed by a threshold of the snapshot keys of the trusted root (arbitrary software attack).
        ThresholdVerifier.Verify(SnapshotRole, envelope.SignedBytes.Span, envelope.Signatures, RequireTopLevelRole(Root, SnapshotRole), Root.Keys);

        // 5.5.5: against the trusted snapshot, if any: no targets metadata may disappear or go back in version.
        if (Snapshot is not null)
        {
            foreach (var (fileName, trustedMeta) in Snapshot.Meta)
            {
                if (!newSnapshot.Meta.TryGetValue(fileName, out var newMeta))
                {
                    throw new RepositoryException($"snapshot.json no longer lists {ErrorText.Untrusted(fileName)}");
                }

                if (newMeta.Version < trustedMeta.Version)
                {
                    throw new BadVersionNumberException(
                        fileName, trustedMeta.Version, newMeta.Version,
                        $"snapshot.json lists {ErrorText.Untrusted(fileName)} version {newMeta.Version}, lower than the trusted {trustedMeta.Version}");
                }
            }
        }

        // Kept before the version (5.5.4) and expiry (5.5.6) checks so that it protects the next snapshot from rollback.
        Snapshot = newSnapshot;
        CheckFinalSnapshot();
        return newSnapshot;
    }

    /// <summary>Verifies and trusts the top-level targets (5.6.2 to 5.6.5).</summary>
    /// <param name="data">The bytes of the new targets metadata.</param>
    /// <returns>The new trusted targets.</returns>
    public Targets UpdateTargets(ReadOnlySpan<byte> data) => UpdateDelegatedTargets(data, TargetsRole, RootRole);

    /// <summary>Verifies and trusts the targets metadata of <paramref name="roleName"/>, delegated by
    /// <paramref name="delegatorName"/> (<c>root</c> for the top-level targets) (5.6.2 to 5.6.5).</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="roleName">The role being loaded.</param>
    /// <param name="delegatorName">The trusted role that delegates to it.</param>
    /// <returns>The new trusted targets metadata.</returns>
    public Targets UpdateDelegatedTargets(ReadOnlySpan<byte> data, string roleName, string delegatorName) =>
        UpdateDelegatedTargets(data, null, roleName, delegatorName);

    /// <summary>The same for bytes the caller owns and leaves unchanged: they are parsed in place, not copied first.</summary>
    internal Targets UpdateDelegatedTargets(byte[] data, string roleName, string delegatorName) =>
        UpdateDelegatedTargets(data, data, roleName, delegatorName);

    private Targets UpdateDelegatedTargets(ReadOnlySpan<byte> data, ReadOnlyMemory<byte>? inPlace, string roleName, string delegatorName)
    {
        ArgumentNullException.ThrowIfNull(roleName);
        ArgumentNullException.ThrowIfNull(delegatorName);
        if (Snapshot is null)
        {
            throw new InvalidOperationException("Cannot load targets before snapshot");
        }

        // 5.5.4 / 5.5.6: no targets may be loaded on the word of a snapshot that is not valid as final.
        CheckFinalSnapshot();

        if (_targets.ContainsKey(roleName))
        {
            throw new InvalidOperationException($"{roleName} is loaded already; use TryGetTargets to trust it through another delegation");
        }

        var link = LinkTo(roleName, delegatorName);

        // The role must be listed in the snapshot.
        string fileName = roleName + ".json";
        if (!Snapshot.Meta.TryGetValue(fileName, out var meta))
        {
            throw new RepositoryException($"snapshot.json does not list {ErrorText.Untrusted(fileName)}");
        }

        // 5.6.2: length and hashes, when the snapshot lists them, must match (mix-and-match attack).
        Digests.Verify(data, meta.Length, meta.Hashes, fileName);

        var envelope = inPlace is { } bytes ? MetadataParser.ParseInPlace<Targets>(bytes, fileName) : MetadataParser.Parse<Targets>(data, fileName);
        var newTargets = envelope.Signed;

        // 5.6.3: signed by a threshold of the keys the delegating role authorizes (arbitrary software attack).
        link.Verify(envelope);

        // 5.6.4: the version must be the one the snapshot lists (rollback / mix-and-match).
        if (newTargets.Version != meta.Version)
        {
            throw new BadVersionNumberException(
                roleName, meta.Version, newTargets.Version,
                $"{ErrorText.Untrusted(fileName)} version {newTargets.Version} is not the version {meta.Version} that snapshot.json lists");
        }

        // 5.6.5: it must not be expired (freeze attack).
        if (newTargets.IsExpired(_referenceTime))
        {
            throw new ExpiredMetadataException(roleName, newTargets.Expires, _referenceTime);
        }

        // Kept with its envelope (a delegated role may be reached through another delegator later, and is then
        // verified again against that one's keys) and the delegator it is trusted through.
        _targets[roleName] = new TrustedTargets(newTargets, roleName == TargetsRole ? null : envelope, delegatorName);
        return newTargets;
    }

    private void CheckFinalTimestamp()
    {
        // 5.4.4: the trusted timestamp must not be expired (freeze attack).
        if (Timestamp!.IsExpired(_referenceTime))
        {
            throw new ExpiredMetadataException(TimestampRole, Timestamp.Expires, _referenceTime);
        }
    }

    private void CheckFinalSnapshot()
    {
        // 5.5.6: the trusted snapshot must not be expired (freeze attack).
        if (Snapshot!.IsExpired(_referenceTime))
        {
            throw new ExpiredMetadataException(SnapshotRole, Snapshot.Expires, _referenceTime);
        }

        // 5.5.4: its version must be the one the trusted timestamp lists.
        if (Snapshot.Version != Timestamp!.SnapshotMeta.Version)
        {
            throw new BadVersionNumberException(
                SnapshotRole, Timestamp.SnapshotMeta.Version, Snapshot.Version,
                $"snapshot.json version {Snapshot.Version} is not the version {Timestamp.SnapshotMeta.Version} that timestamp.json lists");
        }
    }

    /// <summary>The delegation from <paramref name="delegatorName"/> (trusted already) to <paramref name="roleName"/>.</summary>
    private DelegationLink LinkTo(string roleName, string delegatorName)
    {
        if (delegatorName == RootRole)
        {
            if (roleName != TargetsRole)
            {
                throw new InvalidOperationException("Only the top-level targets role is delegated by root");
            }

            return DelegationLink.TopLevel(Root);
        }

        // A delegated role may not take a top-level role's name (its cached file and trust would collide).
        if (roleName is RootRole or TimestampRole or SnapshotRole or TargetsRole)
        {
            throw new RepositoryException($"{ErrorText.Untrusted(delegatorName)} delegates to the reserved role name {roleName}");
        }

        if (!_targets.TryGetValue(delegatorName, out var delegator))
        {
            throw new InvalidOperationException($"Cannot load {roleName} before its delegator {delegatorName}");
        }

        return delegator.Targets.Delegations?.Find(delegatorName, roleName)
            ?? throw new RepositoryException($"{ErrorText.Untrusted(delegatorName)} does not delegate to {ErrorText.Untrusted(roleName)}");
    }

    /// <summary>Trusted targets metadata and the delegators it has been verified through in this cycle.</summary>
    private sealed class TrustedTargets(Targets targets, SignedEnvelope<Targets>? envelope, string delegator)
    {
        private readonly List<string> _delegators = [delegator];

        public Targets Targets { get; } = targets;

        public SignedEnvelope<Targets>? Envelope { get; } = envelope;

        public bool IsTrustedThrough(string delegatorName) => _delegators.Contains(delegatorName);

        public void AddDelegator(string delegatorName) => _delegators.Add(delegatorName);
    }

    private static Role RequireTopLevelRole(Root root, string roleName) =>
        root.Roles.TryGetValue(roleName, out var role)
            ? role
            : throw new DeserializationException($"root.json does not define the {roleName} role");

    private static bool SameRole(Role a, Role b) =>
        a.Threshold == b.Threshold && a.KeyIds.Count == b.KeyIds.Count && a.KeyIds.All(b.KeyIds.Contains);
}
