using Microsoft.Extensions.Time.Testing;
using Tuf.Cli.Commands;
using Tuf.Client;
using Tuf.Testing;

namespace Tuf.Cli.Tests;

/// <summary>
/// <c>tuf conformance</c> driven exactly as the tuf-conformance suite drives it (options in any order, then
/// init/refresh/download), in-process against a loopback server; the suite's important cases emulated.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConformanceCommandTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly string _temp = Directory.CreateTempSubdirectory("tuf-conformance-").FullName;
    private readonly RepositorySimulator _sim = new(Now);
    private RepositorySimulatorServer _server = null!;

    private string MetadataDir => Path.Combine(_temp, "metadata");

    private string TargetDir => Path.Combine(_temp, "targets");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(MetadataDir);
        Directory.CreateDirectory(TargetDir);
        ConformanceCommand.Clock = new FakeTimeProvider(Now);
        _server = RepositorySimulatorServer.ForSimulator(_sim);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        ConformanceCommand.Clock = TimeProvider.System;
        await _server.DisposeAsync();
        Directory.Delete(_temp, recursive: true);
    }

    private int Init()
    {
        string trusted = Path.Combine(_temp, "initial_root.json");
        File.WriteAllBytes(trusted, _sim.SignedRoots[0]);
        return Program.Run(["conformance", "--metadata-dir", MetadataDir, "init", trusted]);
    }

    private int Refresh() =>
        Program.Run(["conformance", "--metadata-url", _server.MetadataUrl.AbsoluteUri, "--metadata-dir", MetadataDir, "refresh"]);

    private int Download(params string[] targets)
    {
        var args = new List<string> { "conformance", "--metadata-url", _server.MetadataUrl.AbsoluteUri, "--metadata-dir", MetadataDir };
        foreach (string t in targets)
        {
            args.AddRange(["--target-name", t]);
        }

        args.AddRange(["--target-dir", TargetDir, "--target-base-url", _server.TargetsUrl.AbsoluteUri, "download"]);
        return Program.Run([.. args]);
    }

    private long Version(string role) =>
        MetadataParser.Parse<Signed>(File.ReadAllBytes(Path.Combine(MetadataDir, role + ".json"))).Signed.Version;

    private string[] MetadataFiles() => Directory.GetFiles(MetadataDir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void Init_CopiesTrustedRootWithoutNetwork()
    {
        Assert.Equal(0, Init());
        Assert.Equal(_sim.SignedRoots[0], File.ReadAllBytes(Path.Combine(MetadataDir, "root.json")));
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public void Refresh_Basic_FetchesInOrderAndStoresExactBytes()
    {
        Init();
        Assert.Equal(0, Refresh());

        Assert.Equal([("root", 2L), ("timestamp", null), ("snapshot", 1L), ("targets", 1L)], _sim.MetadataRequests.Select(r => (r.Role, r.Version)));
        Assert.Equal(["root.json", "snapshot.json", "targets.json", "timestamp.json"], MetadataFiles());
        Assert.Equal(_sim.SignedBytesOf("timestamp"), File.ReadAllBytes(Path.Combine(MetadataDir, "timestamp.json")));
    }

    [Fact]
    public void Download_ImplicitRefreshUnknownTarget_ExitsOneAfterUpdatingMetadata()
    {
        Init();
        Assert.Equal(1, Download("nonexistent artifact"));
        Assert.Equal(1, Version("targets"));
    }

    [Fact]
    public void Download_Target_StoredAndNotDownloadedTwice()
    {
        _sim.AddTarget("targets", "target file contents"u8.ToArray(), "path/to/a/target_file.txt");
        _sim.Targets.Version++;
        _sim.UpdateSnapshot();
        Init();

        Assert.Equal(0, Download("path/to/a/target_file.txt"));
        Assert.Equal(0, Download("path/to/a/target_file.txt"));

        var files = Directory.GetFiles(TargetDir, "*", SearchOption.AllDirectories);
        Assert.Equal("target file contents"u8.ToArray(), File.ReadAllBytes(Assert.Single(files)));
        Assert.Single(_sim.TargetRequests);
    }

    [Fact]
    public void Download_SubstitutedTarget_ExitsOneAndStoresNothing()
    {
        _sim.AddTarget("targets", "good"u8.ToArray(), "a.txt");
        _sim.Targets.Version++;
        _sim.UpdateSnapshot();
        _sim.Artifacts["a.txt"] = "evil"u8.ToArray();
        Init();

        Assert.Equal(1, Download("a.txt"));
        Assert.Empty(Directory.GetFileSystemEntries(TargetDir));
    }

    [Fact]
    public void Download_SeveralTargets_StopsAtFirstFailure()
    {
        _sim.AddTarget("targets", "one"u8.ToArray(), "one");
        _sim.AddTarget("targets", "two"u8.ToArray(), "two");
        _sim.Targets.Version++;
        _sim.UpdateSnapshot();
        Init();

        Assert.Equal(1, Download("one", "missing", "two"));
        Assert.Single(Directory.GetFiles(TargetDir));
    }

    [Fact]
    public void Refresh_InvalidInitialRoot_ExitsOneWithoutRequests()
    {
        string trusted = Path.Combine(_temp, "bad_root.json");
        File.WriteAllText(trusted, "{\"signed\": {}, \"signatures\": []}");
        Program.Run(["conformance", "--metadata-dir", MetadataDir, "init", trusted]);

        Assert.Equal(1, Refresh());
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public void Refresh_TimestampSameVersionNewContent_KeepsTrustedTimestamp()
    {
        Init();
        Refresh();
        byte[] before = File.ReadAllBytes(Path.Combine(MetadataDir, "timestamp.json"));
        _sim.Timestamp.SnapshotMeta.Version = 100;

        Refresh();

        Assert.Equal(before, File.ReadAllBytes(Path.Combine(MetadataDir, "timestamp.json")));
    }

    [Fact]
    public void Refresh_TimestampRollback_ExitsOneAndKeepsVersion()
    {
        Init();
        _sim.UpdateTimestamp();
        Assert.Equal(0, Refresh());
        _sim.Timestamp.Version--;

        Assert.Equal(1, Refresh());
        Assert.Equal(2, Version("timestamp"));
        Assert.Equal(("timestamp", null), _sim.MetadataRequests[^1]);
    }

    [Fact]
    public void Refresh_SnapshotVersionMismatch_ExitsOneAndStoresOnlyRootAndTimestamp()
    {
        Init();
        _sim.Snapshot.Version++;

        Assert.Equal(1, Refresh());
        Assert.Equal(["root.json", "timestamp.json"], MetadataFiles());
        Assert.Equal(("snapshot", 1L), _sim.MetadataRequests[^1]);
    }

    [Fact]
    public void Refresh_SnapshotFastForwardRecovery_Succeeds()
    {
        Init();
        _sim.Snapshot.Version = 99999;
        _sim.UpdateTimestamp();
        Assert.Equal(0, Refresh());
        Assert.Equal(99999, Version("snapshot"));

        _sim.RotateKeys("snapshot");
        _sim.RotateKeys("timestamp");
        _sim.BumpRoot();
        _sim.Snapshot.Version = 1;
        _sim.UpdateTimestamp();

        Assert.Equal(0, Refresh());
        Assert.Equal(1, Version("snapshot"));
    }

    [Fact]
    public void Refresh_ExpiredTimestamp_ExitsOne()
    {
        Init();
        Assert.Equal(0, Refresh());
        ConformanceCommand.Clock = new FakeTimeProvider(Now.AddDays(40));

        Assert.Equal(1, Refresh());
    }

    [Theory]
    [InlineData("?")]
    [InlineData("#")]
    [InlineData("/delegatedrole")]
    [InlineData("../delegatedrole")]
    public void Download_UnusualRoleName_QuotedInRequestAndSafeOnDisk(string role)
    {
        _sim.AddDelegation("targets", new DelegatedRole { Name = role, Paths = ["*"], Threshold = 1 });
        _sim.Targets.Version++;
        _sim.UpdateSnapshot();
        Init();

        Assert.Equal(1, Download("nonexistent target"));

        Assert.Contains($"metadata/1.{Uri.EscapeDataString(role).Replace("#", "%23", StringComparison.Ordinal)}.json", _server.Requests);
        Assert.Equal(5, MetadataFiles().Length);
        Assert.All(Directory.GetFiles(_temp, "*", SearchOption.AllDirectories), f => Assert.StartsWith(_temp, f, StringComparison.Ordinal));
    }

    [Fact]
    public void Refresh_CustomFieldsInRoot_Accepted()
    {
        Init();
        Assert.Equal(0, Refresh());
        _sim.Root.UnrecognizedFields["custom-field"] = System.Text.Json.JsonDocument.Parse("\"value\"").RootElement;
        _sim.Root.Keys[_sim.Root.Roles["root"].KeyIds[0]].UnrecognizedFields["extra-field"] = System.Text.Json.JsonDocument.Parse("{\"a\":1,\"b\":2}").RootElement;
        _sim.BumpRoot();

        Assert.Equal(0, Refresh());
        Assert.Equal(2, Version("root"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("--metadata-dir")]
    [InlineData("--bogus x refresh")]
    [InlineData("refresh")]
    [InlineData("--metadata-dir /nonexistent-dir-xyz frobnicate")]
    public void Run_BadArguments_ExitExactlyOne(string args)
    {
        Assert.Equal(1, Program.Run(["conformance", .. args.Split(' ', StringSplitOptions.RemoveEmptyEntries)]));
    }

    [Fact]
    public void Parse_OptionsInAnyOrder_AllRead()
    {
        var parsed = ConformanceCommand.Parse(["--target-dir", "T", "--target-name", "a", "--metadata-url", "http://x/", "--target-name", "b", "--metadata-dir", "M", "--target-base-url", "http://y/", "download"]);
        Assert.Equal("download", parsed.Command);
        Assert.Equal(["a", "b"], parsed.TargetNames);
        Assert.Equal("M", parsed.MetadataDir);
        Assert.Equal("T", parsed.TargetDir);
    }
}
