using System.Diagnostics;
using Tuf.Rollout;
using Tuf.Rollout.Tests;
using Xunit.Abstractions;

namespace Tuf.Cli.Tests;

/// <summary>The updater process is SIGKILLed at seeded random moments; <c>tuf rollout resume</c> always finishes the job within limits.</summary>
public class RolloutKillResumeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(20261122)]
    public async Task Resume_UpdaterKilledAtRandomPoints_CompletesWithLimitsRespected(int seed)
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("TUF_ROLLOUT_KILL_SEED"), out var overridden))
        {
            seed = overridden;
        }

        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        using var kit = new RolloutTestKit(4);
        var settings = new RolloutSettings(RolloutTestKit.Fast(parallelism: 0), RolloutTestKit.Fast());
        kit.Source.Publish("app.tar.gz", RolloutTestKit.Release("v1"));
        var v1 = await kit.Updater().StartAsync(await kit.Source.ResolveAsync("app.tar.gz"), settings, null);
        Assert.True(v1.State.Phase == RolloutPhase.Completed, RollingUpdater.Describe(v1.State));

        kit.Source.Publish("app.tar.gz", RolloutTestKit.Release("v2"));
        var v2 = await kit.Source.ResolveAsync("app.tar.gz");
        var update = RolloutTestKit.Fast(parallelism: 2) with { Monitor = TimeSpan.FromMilliseconds(400) };
        kit.Updater().Plan(v2, new RolloutSettings(update, RolloutTestKit.Fast()), null);

        var kills = 0;
        await using (var sampler = kit.StartSampler())
        {
            for (var attempt = 0; ; attempt++)
            {
                Assert.True(attempt < 40, "resume did not complete within 40 attempts");
                var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };

                // A SIGKILLed runtime cannot remove its diagnostics pipes from /tmp: do not create them.
                psi.Environment["DOTNET_EnableDiagnostics"] = "0";
                foreach (var a in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "tuf.dll"), "rollout", "resume", "--group", kit.GroupPath })
                {
                    psi.ArgumentList.Add(a);
                }

                using var process = Process.Start(psi)!;
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                // Kill points spread over start-up, planning and every batch step (seeded: replayable).
                var killAfter = TimeSpan.FromMilliseconds(random.Next(100, 1600));
                var exited = process.WaitForExitAsync();
                // After 15 kills, let it finish: the point is resuming from many interrupted states, not a long test.
                if (kills < 15 && await Task.WhenAny(exited, Task.Delay(killAfter)) != exited)
                {
                    process.Kill(); // SIGKILL
                    await exited;
                    kills++;
                    output.WriteLine($"attempt {attempt}: killed after {killAfter.TotalMilliseconds} ms; journal {RolloutJournal.Load(kit.Group.StateDirectory)!.State.Phase}");
                    continue;
                }

                await exited;
                output.WriteLine($"attempt {attempt}: exit {process.ExitCode}\n{await stdout}{await stderr}");
                Assert.Equal(0, process.ExitCode);
                break;
            }

            output.WriteLine($"{kills} kills; samples {sampler.Samples}; max down {sampler.MaxDown}");
            Assert.True(sampler.Samples > 0);
            Assert.InRange(sampler.MaxDown, 0, 2);
        }

        var journal = RolloutJournal.Load(kit.Group.StateDirectory)!;
        Assert.Equal(RolloutPhase.Completed, journal.State.Phase);
        Assert.All(journal.State.Instances, i => Assert.Equal(InstanceState.Updated, i.State));
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("v2", await kit.ServedVersionAsync(i));
            Assert.Single(kit.Provider.RunningSlots(kit.Provider.Instances[i]));
        }
    }
}
