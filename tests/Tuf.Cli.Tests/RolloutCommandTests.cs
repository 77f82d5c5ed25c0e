using System.Diagnostics;
using Tuf.Cli.Commands;
using Tuf.Rollout;
using Tuf.Rollout.Tests;
using Xunit.Abstractions;

namespace Tuf.Cli.Tests;

/// <summary>The <c>tuf rollout</c> commands, in-process (with a stand-in verified source) and as a real process.</summary>
[Collection(RolloutCliCollection.Name)]
public class RolloutCommandTests(ITestOutputHelper output)
{
    private const string Target = "app.tar.gz";

    internal static string[] StartArgs(RolloutTestKit kit, params string[] extra) =>
    [
        "rollout", "start", "--group", kit.GroupPath, "--target", Target,
        "--metadata-url", "http://127.0.0.1:9/metadata/", "--targets-url", "http://127.0.0.1:9/targets/",
        "--metadata-dir", Path.Combine(kit.Root, "metadata"),
        "--monitor", "300ms", "--health-interval", "50ms", "--health-timeout", "10s", "--rollback-monitor", "300ms", .. extra,
    ];

    /// <summary>Runs the real <c>tuf</c> process; returns exit code and output.</summary>
    internal static async Task<(int Code, string Out, string Err)> RunTufAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tuf.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await stdout, await stderr);
    }

    private static int RunInProcess(RolloutTestKit kit, params string[] args)
    {
        RolloutCommand.SourceFactory = (_, _) => kit.Source;
        return Program.Run(args);
    }

    [Fact]
    public async Task Start_MissingRootFile_NamesTheOptionAndCreatesNothing()
    {
        using var kit = new RolloutTestKit(1);
        string missing = Path.Combine(kit.Root, "nope.json");
        var (code, _, stderr) = await RunTufAsync([.. StartArgs(kit), "--root", missing]);
        Assert.Equal(1, code);
        Assert.Equal($"tuf: --root: no such file: {missing} (the trusted root.json to start from, checked out of band)", stderr.Trim());
        Assert.False(Directory.Exists(Path.Combine(kit.Root, "metadata")));
    }

    [Fact]
    public async Task Start_HealthyRelease_ExitsZeroAndEveryInstanceServesIt()
    {
        using var kit = new RolloutTestKit(3);
        kit.Source.Publish(Target, RolloutTestKit.Release("v1"));
        Assert.Equal(0, RunInProcess(kit, StartArgs(kit, "--parallelism", "0")));
        kit.Source.Publish(Target, RolloutTestKit.Release("v2"));
        Assert.Equal(0, RunInProcess(kit, StartArgs(kit, "--parallelism", "2")));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("v2", await kit.ServedVersionAsync(i));
        }

        var (code, stdout, _) = await RunTufAsync("rollout", "status", "--group", kit.GroupPath);
        output.WriteLine(stdout);
        Assert.Equal(0, code);
        Assert.Contains("phase: Completed", stdout);
        Assert.Equal(3, stdout.Split('\n').Count(l => l.StartsWith("web-") && l.Contains("Updated") && l.Contains("healthy") && !l.Contains("unhealthy")));

        var (jsonCode, json, _) = await RunTufAsync("rollout", "status", "--group", kit.GroupPath, "--json");
        Assert.Equal(0, jsonCode);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal("local", doc.RootElement.GetProperty("kind").GetString());
        Assert.Equal("Completed", doc.RootElement.GetProperty("rollout").GetProperty("phase").GetString());
        var instances = doc.RootElement.GetProperty("instances").EnumerateArray().ToList();
        Assert.Equal(3, instances.Count);
        Assert.All(instances, i => Assert.True(i.GetProperty("healthy").GetBoolean() && i.GetProperty("running").GetBoolean() && i.GetProperty("state").GetString() == "Updated"));
        Assert.All(instances, i => Assert.Equal(64, i.GetProperty("release").GetString()!.Length));
    }

    [Fact]
    public async Task Start_FailingReleaseWithRollback_ExitsOneSayingWhichInstancesFailedAndAllBackOnV1()
    {
        using var kit = new RolloutTestKit(3);
        kit.Source.Publish(Target, RolloutTestKit.Release("v1"));
        Assert.Equal(0, RunInProcess(kit, StartArgs(kit, "--parallelism", "0")));
        kit.Source.Publish(Target, RolloutTestKit.Release("v2", "exit"));
        Assert.Equal(1, RunInProcess(kit, StartArgs(kit, "--failure-action", "rollback")));

        var (_, stdout, _) = await RunTufAsync("rollout", "status", "--group", kit.GroupPath);
        output.WriteLine(stdout);
        Assert.Contains("RolledBack", stdout);
        Assert.Contains("web-1", stdout);
        Assert.Contains("exited", stdout);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("v1", await kit.ServedVersionAsync(i));
        }
    }

    [Fact]
    public void Start_RepositoryDoesNotVerify_ExitsOneAndTouchesNoInstance()
    {
        using var kit = new RolloutTestKit(2);
        kit.Source.Failure = new LengthOrHashMismatchException("target app.tar.gz does not match its trusted sha256");
        Assert.Equal(1, RunInProcess(kit, StartArgs(kit)));
        Assert.All(kit.Group.Instances, i => Assert.False(Directory.Exists(i.Directory)));
        Assert.Null(RolloutJournal.Load(kit.Group.StateDirectory));
    }

    [Theory]
    [InlineData("--parallelism", "-1")]
    [InlineData("--max-failure-ratio", "1.5")]
    [InlineData("--monitor", "ten seconds")]
    [InlineData("--failure-action", "explode")]
    [InlineData("--rollback-failure-action", "rollback")]
    public void Start_BadStrategyOption_IsAUsageError(string option, string value)
    {
        using var kit = new RolloutTestKit(1);
        kit.Source.Publish(Target, RolloutTestKit.Release("v1"));
        Assert.Equal(2, RunInProcess(kit, StartArgs(kit, option, value)));
    }

    [Fact]
    public async Task Stop_RunningGroup_StopsEveryInstanceProcess()
    {
        using var kit = new RolloutTestKit(2);
        kit.Source.Publish(Target, RolloutTestKit.Release("v1"));
        Assert.Equal(0, RunInProcess(kit, StartArgs(kit, "--parallelism", "0")));

        var (code, _, _) = await RunTufAsync("rollout", "stop", "--group", kit.GroupPath);
        Assert.Equal(0, code);
        Assert.All(kit.Provider.Instances, i => Assert.Empty(kit.Provider.RunningSlots(i)));
        Assert.Null(await kit.ServedVersionAsync(0));
    }

    [Fact]
    public async Task Resume_NoJournal_ExitsOneWithAClearMessage()
    {
        using var kit = new RolloutTestKit(1);
        var (code, _, stderr) = await RunTufAsync("rollout", "resume", "--group", kit.GroupPath);
        Assert.Equal(1, code);
        Assert.Contains("no rollout has been started", stderr);
    }
}

/// <summary>The in-process tests swap a static source factory; they run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class RolloutCliCollection
{
    public const string Name = "rollout-cli";
}
