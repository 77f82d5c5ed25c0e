using Tuf.Testing;

namespace Tuf.Client.Tests;

/// <summary>
/// One test per attack the specification lists (section 1.5.2, "Goals to protect against specific attacks"):
/// each must be refused with the right error, leave the trusted metadata on disk unchanged, and install nothing.
/// Every test runs twice: with a fetcher that keeps the limits it is given, and with one that ignores them all
/// (<see cref="AttackMatrixOnLimitlessFetcherTests"/>): the updater must enforce them itself.
/// </summary>
public abstract class AttackMatrixTests : UpdaterTestBase
{
    private async Task<Dictionary<string, byte[]>> TrustedStateAsync()
    {
        Sim.AddTarget("targets", "good"u8.ToArray(), "app.bin");
        Sim.AddTarget("targets", "othr"u8.ToArray(), "other.bin");
        Sim.Targets.Version++;
        Sim.UpdateSnapshot();
        await RefreshAsync();
        return MetadataState();
    }

    private async Task<TException> AssertRefusedAsync<TException>(Dictionary<string, byte[]> before, string target = "app.bin")
        where TException : Exception
    {
        using var updater = NewUpdater();
        var ex = await Assert.ThrowsAsync<TException>(() => updater.DownloadVerifiedAsync(target, CancellationToken.None));
        AssertMetadataState(before);
        Assert.Empty(Directory.GetFileSystemEntries(TargetDir));
        return ex;
    }

    [Fact]
    public async Task ArbitraryInstallation_TargetsSignedByUnauthorizedKey_Refused()
    {
        var before = await TrustedStateAsync();
        Sim.AddTarget("targets", "evil"u8.ToArray(), "app.bin");
        Sim.Targets.Version++;
        Sim.Signers["targets"] = [Sim.NewKey()];
        Sim.UpdateSnapshot();

        await AssertRefusedAsync<UnsignedMetadataException>(WithNewTimestampAndSnapshot(before));
    }

    [Fact]
    public async Task EndlessData_OversizedTimestamp_RefusedAtTheCap()
    {
        var before = await TrustedStateAsync();
        Sim.Overrides["timestamp.json"] = new byte[100_000];

        await AssertRefusedAsync<DownloadLengthExceededException>(before);
    }

    [Fact]
    public async Task EndlessData_SnapshotLongerThanTimestampSays_RefusedAtTheListedLength()
    {
        Sim.ComputeMetafileHashesAndLength = true;
        var before = await TrustedStateAsync();
        Sim.Snapshot.Version++;
        Sim.UpdateTimestamp();
        Sim.Snapshot.UnrecognizedFields["x-padding"] = System.Text.Json.JsonDocument.Parse("\"" + new string('x', 5000) + "\"").RootElement;

        await AssertRefusedAsync<DownloadLengthExceededException>(WithNewTimestamp(before));
    }

    [Fact]
    public async Task ExtraneousDependencies_DelegateListsTargetOutsideItsPaths_NotFound()
    {
        Sim.AddDelegation("targets", new DelegatedRole { Name = "team-a", Paths = ["team-a/*"], Threshold = 1 });
        Sim.AddTarget("team-a", "evil"u8.ToArray(), "libc.so");
        Sim.Delegated["team-a"].Version++;
        Sim.Targets.Version++;
        Sim.UpdateSnapshot();
        using var updater = NewUpdater();

        Assert.Null(await updater.GetTargetInfoAsync("libc.so", CancellationToken.None));
        await Assert.ThrowsAsync<TargetNotFoundException>(() => updater.DownloadVerifiedAsync("libc.so", CancellationToken.None));
        Assert.Empty(Directory.GetFileSystemEntries(TargetDir));
    }

    [Fact]
    public async Task FastForward_TimestampVersionInflatedWithoutKeyRotation_LaterVersionsRefused()
    {
        await TrustedStateAsync();
        Sim.Timestamp.Version = 1000; // an attacker holding the timestamp key
        await RefreshAsync();
        var fastForwarded = MetadataState();
        Sim.Timestamp.Version = 3;
        Sim.UpdateSnapshot();

        await AssertRefusedAsync<BadVersionNumberException>(fastForwarded);
    }

    [Fact]
    public async Task FastForward_RecoveryByRotatingTimestampKey_Succeeds()
    {
        await TrustedStateAsync();
        Sim.Timestamp.Version = 1000;
        Sim.Snapshot.Version = 500;
        Sim.UpdateTimestamp();
        Sim.Timestamp.Version = 1000;
        await RefreshAsync();
        Assert.Equal(1000, LocalVersion("timestamp"));

        // The repository recovers: new timestamp and snapshot keys in root v2, versions restart low.
        Sim.RotateKeys("timestamp");
        Sim.RotateKeys("snapshot");
        Sim.BumpRoot();
        Sim.Snapshot.Version = 3;
        Sim.Timestamp.Version = 3;
        Sim.UpdateTimestamp();

        using var updater = NewUpdater();
        var result = await updater.DownloadVerifiedAsync("app.bin", CancellationToken.None);

        Assert.Equal("good"u8.ToArray(), File.ReadAllBytes(result.LocalPath));
        Assert.Equal(4, LocalVersion("timestamp"));
        Assert.Equal(3, LocalVersion("snapshot"));
    }

    [Fact]
    public async Task IndefiniteFreeze_ExpiredTimestampReplayed_Refused()
    {
        Sim.BumpRoot(r => r.Expires = Now.AddYears(1));
        var before = await TrustedStateAsync();
        Clock.Advance(TimeSpan.FromDays(31));

        var ex = await AssertRefusedAsync<ExpiredMetadataException>(before);
        Assert.Equal("timestamp", ex.Role);
    }

    [Fact]
    public async Task IndefiniteFreeze_ExpiredSnapshotWithFreshTimestamp_Refused()
    {
        var before = await TrustedStateAsync();
        Sim.Snapshot.Expires = Now.AddDays(-1);
        Sim.UpdateSnapshot();

        var ex = await AssertRefusedAsync<ExpiredMetadataException>(WithNewTimestamp(before));
        Assert.Equal("snapshot", ex.Role);
    }

    [Fact]
    public async Task MaliciousMirror_ServesStaleTimestamp_Refused()
    {
        byte[] stale = Sim.SignedBytesOf("timestamp");
        var before = await TrustedStateAsync();
        Sim.Overrides["timestamp.json"] = stale;

        var ex = await AssertRefusedAsync<BadVersionNumberException>(before);
        Assert.Equal("timestamp", ex.Role);
    }

    [Fact]
    public async Task MaliciousMirror_ServesGarbage_Refused()
    {
        var before = await TrustedStateAsync();
        Sim.Overrides["timestamp.json"] = "{\"signed\": 1}"u8.ToArray();

        await AssertRefusedAsync<DeserializationException>(before);
    }

    [Fact]
    public async Task MixAndMatch_TargetsFromAnotherSnapshot_Refused()
    {
        var before = await TrustedStateAsync();
        Sim.Targets.Version++;
        Sim.UpdateSnapshot();
        byte[] newTargets = Sim.SignedBytesOf("targets");
        Sim.Targets.Version++;
        Sim.UpdateSnapshot();
        Sim.Overrides[$"{Sim.Targets.Version}.targets.json"] = newTargets; // listed version N, served N-1

        await AssertRefusedAsync<BadVersionNumberException>(WithNewTimestampAndSnapshot(before));
    }

    [Fact]
    public async Task MixAndMatch_SameVersionDifferentContent_RefusedByHash()
    {
        Sim.ComputeMetafileHashesAndLength = true;
        var before = await TrustedStateAsync();
        Sim.Targets.Version++;
        Sim.UpdateSnapshot();
        Sim.AddTarget("targets", "evil"u8.ToArray(), "app.bin"); // same version, different bytes

        await AssertRefusedAsync<LengthOrHashMismatchException>(WithNewTimestampAndSnapshot(before));
    }

    [Fact]
    public async Task Rollback_OlderTimestamp_Refused()
    {
        var before = await TrustedStateAsync();
        Sim.Timestamp.Version = 1;

        await AssertRefusedAsync<BadVersionNumberException>(before);
    }

    [Fact]
    public async Task Rollback_OlderTargetsInNewSnapshot_Refused()
    {
        var before = await TrustedStateAsync();
        Sim.Targets.Version = 1;
        Sim.UpdateSnapshot();

        var ex = await AssertRefusedAsync<BadVersionNumberException>(WithNewTimestamp(before));
        Assert.Equal("targets.json", ex.Role);
    }

    [Fact]
    public async Task Rollback_OlderRoot_Refused()
    {
        Sim.BumpRoot();
        Sim.BumpRoot();
        var before = await TrustedStateAsync();
        Assert.Equal(3, LocalVersion("root"));
        Sim.Overrides["4.root.json"] = Sim.SignedRoots[1];

        await AssertRefusedAsync<BadVersionNumberException>(before);
    }

    [Fact]
    public async Task SlowRetrieval_TrickledTimestamp_Refused()
    {
        var before = await TrustedStateAsync();
        await using var server = RepositorySimulatorServer.ForSimulator(Sim, p => p.EndsWith("timestamp.json", StringComparison.Ordinal)
            ? new ServerResponse(200, Sim.SignedBytesOf("timestamp")) { Fault = ServerFault.Trickle, TrickleDelay = TimeSpan.FromMilliseconds(50) } : null);
        var options = new UpdaterOptions { TimeProvider = TimeProvider.System, MinimumAverageBytesPerSecond = 1000, SlowRetrievalGracePeriod = TimeSpan.FromMilliseconds(300) };
        using var updater = new Updater(MetadataDir, server.MetadataUrl, TargetDir, server.TargetsUrl, options: options);

        var ex = await Assert.ThrowsAsync<SlowRetrievalException>(() => updater.RefreshAsync(CancellationToken.None));

        Assert.Contains("slow retrieval", ex.Message, StringComparison.Ordinal);
        AssertMetadataState(before);
    }

    [Fact]
    public async Task KeyCompromiseBelowThreshold_OneOfTwoTargetsKeys_Refused()
    {
        Sim.AddKeyToRole("targets", Sim.NewKey());
        Sim.Root.Roles["targets"].Threshold = 2;
        Sim.BumpRoot();
        var before = await TrustedStateAsync();
        Sim.AddTarget("targets", "evil"u8.ToArray(), "app.bin");
        Sim.Targets.Version++;
        Sim.Signers["targets"] = [Sim.Signers["targets"][0]]; // the attacker holds one key
        Sim.UpdateSnapshot();

        var ex = await AssertRefusedAsync<UnsignedMetadataException>(WithNewTimestampAndSnapshot(before));
        Assert.Equal(2, ex.Threshold);
        Assert.Equal(1, ex.ValidSignatures);
    }

    [Fact]
    public async Task KeyCompromiseBelowThreshold_RootSignedByOneOfTwo_Refused()
    {
        Sim.AddKeyToRole("root", Sim.NewKey());
        Sim.Root.Roles["root"].Threshold = 2;
        Sim.BumpRoot();
        var before = await TrustedStateAsync();
        var compromised = Sim.Signers["root"][0];
        Sim.Root.Version++;
        Sim.RotateKeys("targets");
        Sim.SignedRoots.Add(RepositorySimulator.Sign(Sim.Root, [compromised]));

        await AssertRefusedAsync<UnsignedMetadataException>(before);
    }

    [Fact]
    public async Task WrongSoftwareInstallation_OtherTargetsBytesServed_Refused()
    {
        var before = await TrustedStateAsync();
        Sim.Artifacts["app.bin"] = Sim.Artifacts["other.bin"];

        using var updater = NewUpdater();
        await Assert.ThrowsAsync<LengthOrHashMismatchException>(() => updater.DownloadVerifiedAsync("app.bin", CancellationToken.None));

        AssertMetadataState(before);
        Assert.Empty(Directory.GetFileSystemEntries(TargetDir));
    }

    [Fact]
    public async Task ThresholdInflation_SameKeyIdListedTwiceInSnapshot_Refused()
    {
        // With the snapshot threshold raised to 2, one key listed twice must not count as two; and the
        // specification says a key ID MUST be unique in the signatures array, so the file is refused outright.
        Sim.AddKeyToRole("snapshot", Sim.NewKey());
        Sim.Root.Roles["snapshot"].Threshold = 2;
        Sim.BumpRoot();
        var before = await TrustedStateAsync();
        var attacker = Sim.Signers["snapshot"][0];
        Sim.Signers["snapshot"] = [attacker, attacker];
        Sim.UpdateSnapshot();

        var ex = await AssertRefusedAsync<DeserializationException>(WithNewTimestamp(before));
        Assert.Contains(attacker.KeyId, ex.Message, StringComparison.Ordinal);
        Assert.Contains("unique", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThresholdInflation_SameKeyIdListedTwiceAtThresholdOne_StillRefused()
    {
        var before = await TrustedStateAsync();
        var key = Sim.Signers["snapshot"][0];
        Sim.Signers["snapshot"] = [key, key];
        Sim.UpdateSnapshot();

        await AssertRefusedAsync<DeserializationException>(WithNewTimestamp(before));
    }

    [Fact]
    public async Task ArbitraryInstallation_RoleReachedThroughSecondDelegator_VerifiedAgainstThatDelegatorsKeys()
    {
        // A diamond: targets -> team-a -> release and targets -> team-b -> release, where team-a and team-b name
        // different keys for "release", and release is signed only with team-a's key. Looking up team-a/x first
        // must not let that verification stand in when team-b/x is then looked up through team-b.
        BuildDiamond();
        await RefreshAsync();
        var before = MetadataState();
        using var updater = NewUpdater();

        var a = await updater.DownloadVerifiedAsync("team-a/x", CancellationToken.None);
        Assert.Equal("a"u8.ToArray(), File.ReadAllBytes(a.LocalPath));
        var ex = await Assert.ThrowsAsync<UnsignedMetadataException>(() => updater.GetTargetInfoAsync("team-b/x", CancellationToken.None));
        Assert.Equal("release", ex.Role);
        Assert.Single(Directory.GetFileSystemEntries(TargetDir));

        // The same refusal from a fresh updater that goes through team-b first.
        using var fresh = NewUpdater();
        await Assert.ThrowsAsync<UnsignedMetadataException>(() => fresh.DownloadVerifiedAsync("team-b/x", CancellationToken.None));
        Assert.Single(Directory.GetFileSystemEntries(TargetDir));
        Assert.Equal(before["root.json"], MetadataState()["root.json"]);
    }

    [Fact]
    public async Task Diamond_RoleSignedForBothDelegators_TrustedThroughEach()
    {
        var releaseKeyOfB = BuildDiamond();
        Sim.Signers["release"].Add(releaseKeyOfB);
        Sim.UpdateSnapshot();
        using var updater = NewUpdater();

        Assert.NotNull(await updater.GetTargetInfoAsync("team-a/x", CancellationToken.None));
        Assert.NotNull(await updater.GetTargetInfoAsync("team-b/x", CancellationToken.None));
    }

    /// <summary>targets delegates team-a/* to team-a and team-b/* to team-b; each delegates to "release" with its
    /// own key for it; release is signed only by team-a's key for it and lists team-a/x and team-b/x.</summary>
    private TestKey BuildDiamond()
    {
        Sim.AddDelegation("targets", new DelegatedRole { Name = "team-a", Paths = ["team-a/*"], Threshold = 1 });
        Sim.AddDelegation("targets", new DelegatedRole { Name = "team-b", Paths = ["team-b/*"], Threshold = 1 });
        Sim.AddDelegation("team-a", new DelegatedRole { Name = "release", Paths = ["team-a/*", "team-b/*"], Threshold = 1 });
        var keyOfB = Sim.NewKey();
        var teamB = Sim.Delegated["team-b"];
        teamB.Delegations = new Delegations { Roles = [new DelegatedRole { Name = "release", Paths = ["team-a/*", "team-b/*"], Threshold = 1, KeyIds = [keyOfB.KeyId] }] };
        teamB.Delegations.Keys[keyOfB.KeyId] = keyOfB.PublicKey;
        Sim.AddTarget("release", "a"u8.ToArray(), "team-a/x");
        Sim.AddTarget("release", "b"u8.ToArray(), "team-b/x");
        Sim.UpdateSnapshot();
        return keyOfB;
    }

    /// <summary>The state after a refresh that legitimately accepted a new timestamp (the attack is in a later file).</summary>
    private Dictionary<string, byte[]> WithNewTimestamp(Dictionary<string, byte[]> before)
    {
        var expected = new Dictionary<string, byte[]>(before) { ["timestamp.json"] = Sim.SignedBytesOf("timestamp") };
        return expected;
    }

    private Dictionary<string, byte[]> WithNewTimestampAndSnapshot(Dictionary<string, byte[]> before)
    {
        var expected = WithNewTimestamp(before);
        expected["snapshot.json"] = Sim.SignedBytesOf("snapshot");
        return expected;
    }
}

/// <summary>The attack matrix with the simulator as fetcher: it refuses more than the length asked for, as <see cref="HttpFetcher"/> does.</summary>
public sealed class AttackMatrixOnSimulatorTests : AttackMatrixTests
{
}

/// <summary>
/// The attack matrix with a fetcher that ignores every limit (no length cap, no speed guard): the updater's own
/// guards must refuse the same attacks. Plus what only such a fetcher can do: bodies that never end, and exceptions
/// of its own.
/// </summary>
public sealed class AttackMatrixOnLimitlessFetcherTests : AttackMatrixTests
{
    private readonly LimitlessFetcher _fetcher;

    public AttackMatrixOnLimitlessFetcherTests() => _fetcher = new LimitlessFetcher(() => Sim);

    protected override IFetcher Fetcher => _fetcher;

    [Fact]
    public async Task EndlessData_TimestampThatNeverEnds_CutOffAtTheCap()
    {
        await RefreshAsync();
        var before = MetadataState();
        _fetcher.Endless.Add("timestamp.json");
        using var updater = NewUpdater();

        var ex = await Assert.ThrowsAsync<DownloadLengthExceededException>(() => updater.RefreshAsync(CancellationToken.None));

        Assert.Equal(new UpdaterOptions().TimestampMaxLength, ex.MaxLength);
        AssertMetadataState(before);
    }

    [Fact]
    public async Task EndlessData_TargetThatNeverEnds_CutOffAtItsSignedLengthAndNothingKept()
    {
        Sim.AddTarget("targets", "good"u8.ToArray(), "app.bin");
        Sim.Targets.Version++;
        Sim.UpdateSnapshot();
        _fetcher.Endless.Add("app.bin");
        using var updater = NewUpdater();

        var ex = await Assert.ThrowsAsync<DownloadLengthExceededException>(() => updater.DownloadVerifiedAsync("app.bin", CancellationToken.None));

        Assert.Equal(4, ex.MaxLength);
        Assert.Empty(Directory.GetFileSystemEntries(TargetDir));
        Assert.True(_fetcher.BytesServed < 4 + (2 << 20), $"read {_fetcher.BytesServed} bytes of an endless body");
    }

    [Fact]
    public async Task Fetcher_ThrowsItsOwnException_ReportedAsDownloadException()
    {
        await RefreshAsync();
        var before = MetadataState();
        _fetcher.Failure = uri => uri.AbsoluteUri.EndsWith("timestamp.json", StringComparison.Ordinal) ? new InvalidOperationException("socket gone") : null;
        using var updater = NewUpdater();

        var ex = await Assert.ThrowsAsync<DownloadException>(() => updater.RefreshAsync(CancellationToken.None));

        Assert.Contains("timestamp.json: socket gone", ex.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(ex.InnerException);
        AssertMetadataState(before);
    }

    [Fact]
    public async Task Fetcher_StreamThrowsMidway_ReportedAsDownloadException()
    {
        await RefreshAsync();
        _fetcher.FailWhileReading.Add("timestamp.json");
        using var updater = NewUpdater();

        var ex = await Assert.ThrowsAsync<DownloadException>(() => updater.RefreshAsync(CancellationToken.None));

        Assert.IsType<NotSupportedException>(ex.InnerException);
    }
}
