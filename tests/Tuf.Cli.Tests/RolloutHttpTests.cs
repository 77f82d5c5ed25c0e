using System.Diagnostics;
using Tuf.Internal;
using Tuf.Rollout;
using Tuf.Rollout.Local;
using Tuf.Rollout.Tests;
using Tuf.Testing;
using Xunit.Abstractions;

namespace Tuf.Cli.Tests;

/// <summary>The real <c>tuf</c> process against a TUF repository over loopback HTTP: start, then watch.</summary>
public class RolloutHttpTests(ITestOutputHelper output)
{
    private const string Target = "app.tar.gz";

    private static void Publish(RepositorySimulator sim, string version)
    {
        lock (sim)
        {
            sim.AddTarget("targets", RolloutTestKit.Release(version), Target);
            sim.Targets.Version++;
            sim.UpdateSnapshot();
        }
    }

    private static async Task<bool> AllServeAsync(RolloutTestKit kit, string version) =>
        (await Task.WhenAll(Enumerable.Range(0, kit.Ports.Count).Select(kit.ServedVersionAsync))).All(v => v == version);

    [Fact]
    public async Task StartThenWatch_OverHttp_RollsOutPublishedVersionsRestartsAndRepairsInstances()
    {
        using var kit = new RolloutTestKit(3);
        var sim = new RepositorySimulator();
        await using var server = RepositorySimulatorServer.ForSimulator(sim);
        var root = Path.Combine(kit.Root, "root.json");
        await File.WriteAllBytesAsync(root, sim.SignedRoots[0]);
        string[] repo =
        [
            "--group", kit.GroupPath, "--target", Target, "--metadata-url", server.MetadataUrl.AbsoluteUri, "--targets-url", server.TargetsUrl.AbsoluteUri,
            "--metadata-dir", Path.Combine(kit.Root, "trusted"), "--root", root, "--monitor", "300ms", "--health-interval", "50ms",
        ];

        Publish(sim, "v1");
        var (code, stdout, stderr) = await RolloutCommandTests.RunTufAsync(["rollout", "start", .. repo, "--parallelism", "0"]);
        output.WriteLine(stdout + stderr);
        Assert.Equal(0, code);
        Assert.Contains("verified app.tar.gz", stdout);
        Assert.True(await AllServeAsync(kit, "v1"));

        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["exec", Path.Combine(AppContext.BaseDirectory, "tuf.dll"), "rollout", "watch", .. repo, "--interval", "200ms", "--parallelism", "2"])
        {
            psi.ArgumentList.Add(a);
        }

        using var watch = Process.Start(psi)!;
        // Output is collected line by line so the test can wait for what watch prints, not only for what it did.
        var watchOutput = new System.Text.StringBuilder();
        var watchErrors = new System.Text.StringBuilder();
        watch.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (watchOutput) { watchOutput.AppendLine(e.Data); } } };
        watch.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (watchErrors) { watchErrors.AppendLine(e.Data); } } };
        watch.BeginOutputReadLine();
        watch.BeginErrorReadLine();
        string Printed() { lock (watchOutput) { return watchOutput.ToString(); } }
        try
        {
            Publish(sim, "v2");
            Assert.True(await RolloutTestKit.EventuallyAsync(() => AllServeAsync(kit, "v2"), TimeSpan.FromSeconds(60)), "v2 rolled out");

            var pid = int.Parse((await File.ReadAllTextAsync(Directory.GetFiles(Path.Combine(kit.Group.Instances[1].Directory, "run"), "slot-*.pid").Single())).Split(' ')[0]);
            Posix.SignalGroup(pid, Posix.SigKill);
            Assert.True(await RolloutTestKit.EventuallyAsync(async () => await kit.ServedVersionAsync(1) == "v2" && kit.Provider.RunningSlots("web-2").Count == 1
                && !kit.Provider.RunningSlots("web-2").Any(s => File.ReadAllText(Path.Combine(kit.Group.Instances[1].Directory, "run", $"slot-{s}.pid")).StartsWith($"{pid} ", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(30)), "killed instance restarted");

            var tampered = Path.Combine(kit.Group.Instances[2].Directory, "current", "server.py");
            await File.AppendAllTextAsync(tampered, "\n# tampered\n");
            Assert.True(await RolloutTestKit.EventuallyAsync(() => Task.FromResult(kit.Provider.FindInstalledMismatch("web-3") is null), TimeSpan.FromSeconds(30)), "tampered release repaired");
            Assert.True(await RolloutTestKit.EventuallyAsync(() => AllServeAsync(kit, "v2"), TimeSpan.FromSeconds(30)));

            // The repair is visible on disk a moment before watch reports it: wait for the report before interrupting.
            Assert.True(await RolloutTestKit.EventuallyAsync(() => Task.FromResult(Printed().Contains("repaired", StringComparison.Ordinal) && Printed().Contains("restarted", StringComparison.Ordinal)), TimeSpan.FromSeconds(30)), "watch reported the restart and the repair");
        }
        finally
        {
            Posix.SignalProcess(watch.Id, 2); // SIGINT, as Ctrl+C
            if (!watch.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                watch.Kill();
            }

            await watch.WaitForExitAsync();
            output.WriteLine(Printed() + watchErrors);
        }

        Assert.Equal(130, watch.ExitCode); // interrupted by SIGINT, the shell convention (128 + 2)
        Assert.Contains("repaired", Printed());
        Assert.Contains("restarted", Printed());
        Assert.Equal(RolloutPhase.Completed, RolloutJournal.Load(kit.Group.StateDirectory)!.State.Phase);
    }
}
