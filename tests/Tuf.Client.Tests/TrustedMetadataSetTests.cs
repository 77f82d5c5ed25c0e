using Tuf.Testing;

namespace Tuf.Client.Tests;

/// <summary>The state machine, check by check (modelled on python-tuf tests/test_trusted_metadata_set.py).</summary>
public sealed class TrustedMetadataSetTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly RepositorySimulator _sim = new(Now);

    private TrustedMetadataSet NewSet(DateTimeOffset? time = null) => new(_sim.SignedRoots[0], time ?? Now);

    private byte[] Bytes(string role) => _sim.SignedBytesOf(role);

    private TrustedMetadataSet AtSnapshot()
    {
        var set = NewSet();
        set.UpdateTimestamp(Bytes("timestamp"));
        set.UpdateSnapshot(Bytes("snapshot"));
        return set;
    }

    private TrustedMetadataSet AtTargets()
    {
        var set = AtSnapshot();
        set.UpdateTargets(Bytes("targets"));
        return set;
    }

    private static byte[] SignWith(Signed signed, params TestKey[] keys) => RepositorySimulator.Sign(signed, keys);

    // ---- 5.2 trusted root ----

    [Fact]
    public void Constructor_ValidRoot_IsTrusted()
    {
        var set = NewSet();
        Assert.Equal(1, set.Root.Version);
        Assert.Null(set.Timestamp);
    }

    [Fact]
    public void Constructor_ExpiredTrustedRoot_IsAccepted()
    {
        var set = NewSet(Now.AddYears(5));
        Assert.Equal(1, set.Root.Version);
    }

    [Fact]
    public void Constructor_RootSignedByWrongKey_ThrowsUnsigned()
    {
        byte[] bad = SignWith(_sim.Root, _sim.NewKey());
        Assert.Throws<UnsignedMetadataException>(() => new TrustedMetadataSet(bad, Now));
    }

    [Fact]
    public void Constructor_NotJson_ThrowsDeserialization()
    {
        Assert.Throws<DeserializationException>(() => new TrustedMetadataSet("not json"u8, Now));
    }

    [Fact]
    public void Constructor_TimestampBytesAsRoot_ThrowsDeserialization()
    {
        Assert.Throws<DeserializationException>(() => new TrustedMetadataSet(Bytes("timestamp"), Now));
    }

    // ---- 5.3 root chain ----

    [Fact]
    public void UpdateRoot_NextVersion_BecomesTrusted()
    {
        var set = NewSet();
        byte[] v2 = _sim.BumpRoot();
        Assert.Equal(2, set.UpdateRoot(v2).Version);
        Assert.Equal(2, set.Root.Version);
    }

    [Fact]
    public void UpdateRoot_SkippedVersion_ThrowsBadVersion()
    {
        var set = NewSet();
        _sim.BumpRoot();
        byte[] v3 = _sim.BumpRoot();
        var ex = Assert.Throws<BadVersionNumberException>(() => set.UpdateRoot(v3));
        Assert.Equal(2, ex.Expected);
        Assert.Equal(3, ex.Actual);
        Assert.Equal(1, set.Root.Version);
    }

    [Fact]
    public void UpdateRoot_SameVersion_ThrowsBadVersion()
    {
        var set = NewSet();
        Assert.Throws<BadVersionNumberException>(() => set.UpdateRoot(_sim.SignedRoots[0]));
    }

    [Fact]
    public void UpdateRoot_NotSignedByOldRootKeys_ThrowsUnsigned()
    {
        var set = NewSet();
        _sim.RotateKeys("root");
        _sim.Root.Version++;
        byte[] v2 = _sim.PublishRoot(); // only the new key signs
        Assert.Throws<UnsignedMetadataException>(() => set.UpdateRoot(v2));
        Assert.Equal(1, set.Root.Version);
    }

    [Fact]
    public void UpdateRoot_NotSignedByNewRootKeys_ThrowsUnsigned()
    {
        var set = NewSet();
        var old = _sim.SignersOf("root").ToArray();
        _sim.RotateKeys("root");
        _sim.Root.Version++;
        byte[] v2 = SignWith(_sim.Root, old); // only the old key signs
        Assert.Throws<UnsignedMetadataException>(() => set.UpdateRoot(v2));
    }

    [Fact]
    public void UpdateRoot_RotatedKeysSignedByOldAndNew_BecomesTrusted()
    {
        var set = NewSet();
        var old = _sim.SignersOf("root").ToArray();
        _sim.RotateKeys("root", 2);
        _sim.Root.Roles["root"].Threshold = 2;
        _sim.Root.Version++;
        byte[] v2 = _sim.PublishRoot(old);
        Assert.Equal(2, set.UpdateRoot(v2).Version);
    }

    [Fact]
    public void UpdateRoot_NewThresholdNotMet_ThrowsUnsigned()
    {
        var set = NewSet();
        _sim.Root.Roles["root"].Threshold = 2;
        byte[] v2 = _sim.BumpRoot();
        Assert.Throws<UnsignedMetadataException>(() => set.UpdateRoot(v2));
    }

    [Fact]
    public void UpdateRoot_IntermediateExpired_AcceptedButFinalExpiryChecked()
    {
        var set = NewSet();
        byte[] v2 = _sim.BumpRoot(r => r.Expires = Now.AddDays(-1));
        set.UpdateRoot(v2);
        byte[] v3 = _sim.BumpRoot(r => r.Expires = Now.AddDays(10));
        set.UpdateRoot(v3);
        Assert.Equal(TimestampUpdate.Updated, set.UpdateTimestamp(Bytes("timestamp")));
    }

    [Fact]
    public void UpdateTimestamp_FinalRootExpired_ThrowsExpired()
    {
        var set = NewSet();
        set.UpdateRoot(_sim.BumpRoot(r => r.Expires = Now.AddDays(-1)));
        var ex = Assert.Throws<ExpiredMetadataException>(() => set.UpdateTimestamp(Bytes("timestamp")));
        Assert.Equal("root", ex.Role);
        Assert.Null(set.Timestamp);
    }

    [Fact]
    public void UpdateRoot_AfterTimestamp_ThrowsInvalidOperation()
    {
        var set = NewSet();
        set.UpdateTimestamp(Bytes("timestamp"));
        Assert.Throws<InvalidOperationException>(() => set.UpdateRoot(_sim.BumpRoot()));
    }

    [Fact]
    public void KeysRotated_TimestampKeyChanged_IsTrue()
    {
        var set = NewSet();
        Assert.False(set.TimestampOrSnapshotKeysRotated);
        set.UpdateRoot(_sim.BumpRoot());
        Assert.False(set.TimestampOrSnapshotKeysRotated);
        _sim.RotateKeys("timestamp");
        set.UpdateRoot(_sim.BumpRoot());
        Assert.True(set.TimestampOrSnapshotKeysRotated);
    }

    [Fact]
    public void KeysRotated_SnapshotThresholdChanged_IsTrue()
    {
        var set = NewSet();
        _sim.Root.Roles["snapshot"].Threshold = 2;
        set.UpdateRoot(_sim.BumpRoot());
        Assert.True(set.TimestampOrSnapshotKeysRotated);
    }

    // ---- 5.4 timestamp ----

    [Fact]
    public void UpdateTimestamp_Valid_BecomesTrusted()
    {
        var set = NewSet();
        Assert.Equal(TimestampUpdate.Updated, set.UpdateTimestamp(Bytes("timestamp")));
        Assert.Equal(1, set.Timestamp!.Version);
    }

    [Fact]
    public void UpdateTimestamp_WrongKey_ThrowsUnsigned()
    {
        var set = NewSet();
        Assert.Throws<UnsignedMetadataException>(() => set.UpdateTimestamp(SignWith(_sim.Timestamp, _sim.NewKey())));
        Assert.Null(set.Timestamp);
    }

    [Fact]
    public void UpdateTimestamp_SignedByRootKeyInsteadOfTimestampKey_ThrowsUnsigned()
    {
        var set = NewSet();
        Assert.Throws<UnsignedMetadataException>(() => set.UpdateTimestamp(SignWith(_sim.Timestamp, _sim.SignersOf("root")[0])));
    }

    [Fact]
    public void UpdateTimestamp_LowerVersion_ThrowsBadVersion()
    {
        var set = NewSet();
        _sim.Timestamp.Version = 5;
        set.UpdateTimestamp(Bytes("timestamp"));
        _sim.Timestamp.Version = 4;
        var ex = Assert.Throws<BadVersionNumberException>(() => set.UpdateTimestamp(Bytes("timestamp")));
        Assert.Equal(5, ex.Expected);
        Assert.Equal(5, set.Timestamp!.Version);
    }

    [Fact]
    public void UpdateTimestamp_EqualVersion_ReturnsUnchangedAndKeepsTrusted()
    {
        var set = NewSet();
        set.UpdateTimestamp(Bytes("timestamp"));
        var trusted = set.Timestamp;
        Assert.Equal(TimestampUpdate.Unchanged, set.UpdateTimestamp(Bytes("timestamp")));
        Assert.Same(trusted, set.Timestamp);
    }

    [Fact]
    public void UpdateTimestamp_SnapshotVersionDecreases_ThrowsBadVersion()
    {
        var set = NewSet();
        _sim.Timestamp.SnapshotMeta.Version = 3;
        set.UpdateTimestamp(Bytes("timestamp"));
        _sim.Timestamp.Version++;
        _sim.Timestamp.SnapshotMeta.Version = 2;
        Assert.Throws<BadVersionNumberException>(() => set.UpdateTimestamp(Bytes("timestamp")));
        Assert.Equal(3, set.Timestamp!.SnapshotMeta.Version);
    }

    [Fact]
    public void UpdateTimestamp_Expired_ThrowsExpiredButKeepsItForRollbackChecks()
    {
        var set = NewSet();
        _sim.Timestamp.Version = 7;
        _sim.Timestamp.Expires = Now.AddSeconds(-1);
        var ex = Assert.Throws<ExpiredMetadataException>(() => set.UpdateTimestamp(Bytes("timestamp")));
        Assert.Equal("timestamp", ex.Role);
        Assert.Equal(7, set.Timestamp!.Version);

        // A lower version is refused against the expired one ...
        _sim.Timestamp.Version = 6;
        _sim.Timestamp.Expires = _sim.SafeExpiry;
        Assert.Throws<BadVersionNumberException>(() => set.UpdateTimestamp(Bytes("timestamp")));

        // ... and no snapshot can be loaded on its word.
        Assert.Throws<ExpiredMetadataException>(() => set.UpdateSnapshot(Bytes("snapshot")));
    }

    [Fact]
    public void UpdateTimestamp_ExpiresExactlyAtReferenceTime_IsExpired()
    {
        var set = NewSet();
        _sim.Timestamp.Expires = Now;
        Assert.Throws<ExpiredMetadataException>(() => set.UpdateTimestamp(Bytes("timestamp")));
    }

    [Fact]
    public void UpdateTimestamp_AfterSnapshot_ThrowsInvalidOperation()
    {
        var set = AtSnapshot();
        Assert.Throws<InvalidOperationException>(() => set.UpdateTimestamp(Bytes("timestamp")));
    }

    [Fact]
    public void UpdateTimestamp_SnapshotBytes_ThrowsDeserialization()
    {
        var set = NewSet();
        Assert.Throws<DeserializationException>(() => set.UpdateTimestamp(Bytes("snapshot")));
    }

    // ---- 5.5 snapshot ----

    [Fact]
    public void UpdateSnapshot_BeforeTimestamp_ThrowsInvalidOperation()
    {
        Assert.Throws<InvalidOperationException>(() => NewSet().UpdateSnapshot(Bytes("snapshot")));
    }

    [Fact]
    public void UpdateSnapshot_Valid_BecomesTrusted()
    {
        Assert.Equal(1, AtSnapshot().Snapshot!.Version);
    }

    [Fact]
    public void UpdateSnapshot_HashMismatch_ThrowsLengthOrHashMismatch()
    {
        _sim.ComputeMetafileHashesAndLength = true;
        _sim.UpdateSnapshot();
        var set = NewSet();
        set.UpdateTimestamp(Bytes("timestamp"));
        _sim.Snapshot.Expires = _sim.Snapshot.Expires.AddSeconds(1); // different bytes, same version
        Assert.Throws<LengthOrHashMismatchException>(() => set.UpdateSnapshot(Bytes("snapshot")));
        Assert.Null(set.Snapshot);
    }

    [Fact]
    public void UpdateSnapshot_LengthMismatch_ThrowsLengthOrHashMismatch()
    {
        _sim.ComputeMetafileHashesAndLength = true;
        _sim.UpdateSnapshot();
        _sim.Timestamp.SnapshotMeta.Hashes = null;
        _sim.Timestamp.SnapshotMeta.Length--;
        var set = NewSet();
        set.UpdateTimestamp(Bytes("timestamp"));
        Assert.Throws<LengthOrHashMismatchException>(() => set.UpdateSnapshot(Bytes("snapshot")));
    }

    [Fact]
    public void UpdateSnapshot_TrustedLocalCopy_SkipsTimestampHashes()
    {
        _sim.ComputeMetafileHashesAndLength = true;
        _sim.UpdateSnapshot();
        byte[] snapshot = Bytes("snapshot");
        _sim.Timestamp.SnapshotMeta.Hashes!["sha256"] = new string('0', 64);
        var set = NewSet();
        set.UpdateTimestamp(Bytes("timestamp"));
        Assert.Equal(2, set.UpdateSnapshot(snapshot, isTrustedLocalCopy: true).Version);
    }

    [Fact]
    public void UpdateSnapshot_WrongKey_ThrowsUnsigned()
    {
        var set = NewSet();
        set.UpdateTimestamp(Bytes("timestamp"));
        Assert.Throws<UnsignedMetadataException>(() => set.UpdateSnapshot(SignWith(_sim.Snapshot, _sim.SignersOf("timestamp")[0])));
    }

    [Fact]
    public void UpdateSnapshot_VersionDiffersFromTimestamp_ThrowsBadVersionButKeepsIt()
    {
        var set = NewSet();
        set.UpdateTimestamp(Bytes("timestamp"));
        _sim.Snapshot.Version = 2;
        Assert.Throws<BadVersionNumberException>(() => set.UpdateSnapshot(Bytes("snapshot")));
        Assert.Equal(2, set.Snapshot!.Version);
        Assert.Throws<BadVersionNumberException>(() => set.UpdateTargets(Bytes("targets")));
    }

    [Fact]
    public void UpdateSnapshot_Expired_ThrowsExpired()
    {
        _sim.Snapshot.Expires = Now.AddDays(-1);
        var set = NewSet();
        set.UpdateTimestamp(Bytes("timestamp"));
        Assert.Throws<ExpiredMetadataException>(() => set.UpdateSnapshot(Bytes("snapshot")));
        Assert.Throws<ExpiredMetadataException>(() => set.UpdateTargets(Bytes("targets")));
    }

    [Fact]
    public void UpdateSnapshot_TargetsVersionRollback_ThrowsBadVersion()
    {
        _sim.Targets.Version = 5;
        _sim.UpdateSnapshot();
        byte[] localSnapshot = Bytes("snapshot");
        _sim.Targets.Version = 4;
        _sim.UpdateSnapshot();
        var set = NewSet();
        set.UpdateTimestamp(Bytes("timestamp"));
        Assert.Throws<BadVersionNumberException>(() => set.UpdateSnapshot(localSnapshot, isTrustedLocalCopy: true));
        var ex = Assert.Throws<BadVersionNumberException>(() => set.UpdateSnapshot(Bytes("snapshot")));
        Assert.Equal("targets.json", ex.Role);
    }

    [Fact]
    public void UpdateSnapshot_RoleRemoved_ThrowsRepositoryError()
    {
        _sim.AddDelegation("targets", new DelegatedRole { Name = "role1", Paths = ["*"], Threshold = 1 });
        _sim.UpdateSnapshot();
        byte[] localSnapshot = Bytes("snapshot");
        _sim.Snapshot.Meta.Remove("role1.json");
        _sim.Snapshot.Version++;
        _sim.UpdateTimestamp();
        var set = NewSet();
        set.UpdateTimestamp(Bytes("timestamp"));
        Assert.Throws<BadVersionNumberException>(() => set.UpdateSnapshot(localSnapshot, isTrustedLocalCopy: true));
        var ex = Assert.Throws<RepositoryException>(() => set.UpdateSnapshot(Bytes("snapshot")));
        Assert.Contains("role1.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UpdateSnapshot_AfterTargets_ThrowsInvalidOperation()
    {
        var set = AtTargets();
        Assert.Throws<InvalidOperationException>(() => set.UpdateSnapshot(Bytes("snapshot")));
    }

    // ---- 5.6 targets ----

    [Fact]
    public void UpdateTargets_BeforeSnapshot_ThrowsInvalidOperation()
    {
        var set = NewSet();
        set.UpdateTimestamp(Bytes("timestamp"));
        Assert.Throws<InvalidOperationException>(() => set.UpdateTargets(Bytes("targets")));
    }

    [Fact]
    public void UpdateTargets_Valid_BecomesTrusted()
    {
        Assert.Equal(1, AtTargets().Targets!.Version);
    }

    [Fact]
    public void UpdateTargets_HashMismatch_ThrowsLengthOrHashMismatch()
    {
        _sim.ComputeMetafileHashesAndLength = true;
        _sim.UpdateSnapshot();
        var set = AtSnapshot();
        _sim.Targets.Expires = _sim.Targets.Expires.AddSeconds(1);
        Assert.Throws<LengthOrHashMismatchException>(() => set.UpdateTargets(Bytes("targets")));
        Assert.Null(set.Targets);
    }

    [Fact]
    public void UpdateTargets_WrongKey_ThrowsUnsigned()
    {
        var set = AtSnapshot();
        Assert.Throws<UnsignedMetadataException>(() => set.UpdateTargets(SignWith(_sim.Targets, _sim.SignersOf("snapshot")[0])));
    }

    [Fact]
    public void UpdateTargets_VersionDiffersFromSnapshot_ThrowsBadVersion()
    {
        var set = AtSnapshot();
        _sim.Targets.Version = 2;
        Assert.Throws<BadVersionNumberException>(() => set.UpdateTargets(Bytes("targets")));
        Assert.Null(set.Targets);
    }

    [Fact]
    public void UpdateTargets_Expired_ThrowsExpired()
    {
        var set = AtSnapshot();
        _sim.Targets.Expires = Now.AddDays(-1);
        Assert.Throws<ExpiredMetadataException>(() => set.UpdateTargets(Bytes("targets")));
        Assert.Null(set.Targets);
    }

    [Fact]
    public void UpdateTargets_NotInSnapshot_ThrowsRepositoryError()
    {
        _sim.Snapshot.Meta.Remove("targets.json");
        var set = AtSnapshot();
        Assert.Throws<RepositoryException>(() => set.UpdateTargets(Bytes("targets")));
    }

    [Fact]
    public void UpdateDelegatedTargets_Valid_VerifiedWithDelegatorKeys()
    {
        _sim.AddDelegation("targets", new DelegatedRole { Name = "role1", Paths = ["*"], Threshold = 1 });
        _sim.UpdateSnapshot();
        var set = AtTargets();
        Assert.Equal(1, set.UpdateDelegatedTargets(Bytes("role1"), "role1", "targets").Version);
        Assert.True(set.TryGetTargets("role1", out _));
    }

    [Fact]
    public void UpdateDelegatedTargets_SignedByTopLevelTargetsKey_ThrowsUnsigned()
    {
        _sim.AddDelegation("targets", new DelegatedRole { Name = "role1", Paths = ["*"], Threshold = 1 });
        _sim.UpdateSnapshot();
        var set = AtTargets();
        Assert.Throws<UnsignedMetadataException>(() =>
            set.UpdateDelegatedTargets(SignWith(_sim.Delegated["role1"], _sim.SignersOf("targets")[0]), "role1", "targets"));
    }

    [Fact]
    public void UpdateDelegatedTargets_DelegatorNotLoaded_ThrowsInvalidOperation()
    {
        _sim.AddDelegation("targets", new DelegatedRole { Name = "role1", Paths = ["*"], Threshold = 1 });
        _sim.UpdateSnapshot();
        var set = AtSnapshot();
        Assert.Throws<InvalidOperationException>(() => set.UpdateDelegatedTargets(Bytes("role1"), "role1", "targets"));
    }

    [Fact]
    public void UpdateDelegatedTargets_NotDelegated_ThrowsRepositoryError()
    {
        _sim.AddDelegation("targets", new DelegatedRole { Name = "role1", Paths = ["*"], Threshold = 1 });
        _sim.UpdateSnapshot();
        var set = AtTargets();
        Assert.Throws<RepositoryException>(() => set.UpdateDelegatedTargets(Bytes("role1"), "role2", "targets"));
    }

    [Fact]
    public void UpdateDelegatedTargets_ReservedName_ThrowsRepositoryError()
    {
        var set = AtTargets();
        Assert.Throws<RepositoryException>(() => set.UpdateDelegatedTargets(Bytes("timestamp"), "timestamp", "targets"));
    }

    [Fact]
    public void UpdateDelegatedTargets_SuccinctBin_VerifiedWithSharedKey()
    {
        var succinct = _sim.AddSuccinctRoles("targets", 4, "bin");
        _sim.Targets.Version++;
        _sim.UpdateSnapshot();
        var set = AtTargets();
        string bin = succinct.GetRoleForTarget("some/file");
        Assert.Equal(1, set.UpdateDelegatedTargets(Bytes(bin), bin, "targets").Version);
        Assert.Throws<RepositoryException>(() => set.UpdateDelegatedTargets(Bytes(bin), "bin-zz", "targets"));
    }
}
