using Tuf.Cli.Output;
using System.CommandLine;
using System.Globalization;
using Tuf.Rollout;
using Tuf.Rollout.Local;
using Tuf.Rollout.Swarm;

namespace Tuf.Cli.Commands;

/// <summary>
/// <c>tuf rollout start|status|resume|rollback|stop|watch</c>: rolling updates of verified targets across a group of
/// instances, thin over <see cref="RollingUpdater"/> and <see cref="GroupWatcher"/>. Exit 0 when every instance runs the
/// new version healthy (or, for rollback, the old one); 1 when the rollout paused, rolled back or failed.
/// </summary>
internal static class RolloutCommand
{
    /// <summary>Builds the TUF-backed artifact source (replaceable in tests).</summary>
    internal static Func<RepositorySource, string, IVerifiedArtifactSource> SourceFactory { get; set; } =
        (source, downloadDirectory) => new UpdaterArtifactSource(source, downloadDirectory);

    public static Command Create()
    {
        var command = new Command("rollout", "Roll a verified target across a group of instances in batches, with health gates and rollback");
        command.Subcommands.Add(Start());
        command.Subcommands.Add(Status());
        command.Subcommands.Add(Resume());
        command.Subcommands.Add(Rollback());
        command.Subcommands.Add(Stop());
        command.Subcommands.Add(Watch());
        return command;
    }

    private static Command Start()
    {
        var o = new RolloutOptions();
        var command = new Command("start", "Resolve and verify the target through TUF, then roll it out") { o.Group };
        o.AddRepository(command);
        o.AddStrategy(command);
        command.SetAction((parse, ct) => GuardAsync(async () =>
        {
            var settings = o.Settings(parse);
            var repository = o.Repository(parse);
            var target = parse.GetValue(o.Target)!;
            if (LoadAny(parse, o) is SwarmGroup swarm)
            {
                return await RolloutSwarm.StartAsync(swarm, target, repository, settings, ct).ConfigureAwait(false);
            }

            var group = LoadGroup(parse, o);

            // Verify first: a repository that cannot be trusted stops everything before any instance is touched.
            var artifact = await SourceFactory(repository, Path.Combine(group.StateDirectory, "downloads")).ResolveAsync(target, ct).ConfigureAwait(false);
            Console.Out.WriteLine($"verified {target}: {artifact.Length} bytes, sha256 {artifact.Sha256}");
            var journal = await RolloutDisplay.RunAsync(p => Updater(group, p).StartAsync(artifact, settings, repository, ct)).ConfigureAwait(false);
            return Outcome(journal, rollback: false);
        }));
        return command;
    }

    private static Command Resume() => JournalCommand(
        "resume",
        "Continue an interrupted or paused rollout from its journal (swarm: re-attach to the service's update)",
        (updater, ct) => updater.ResumeAsync(ct),
        journal => journal.State.Phase is RolloutPhase.RolledBack or RolloutPhase.RollbackPaused,
        RolloutSwarm.ResumeAsync);

    private static Command Rollback() => JournalCommand(
        "rollback",
        "Return every instance the last rollout touched to its previous version (swarm: the previous verified digest)",
        (updater, ct) => updater.RollbackAsync(ct),
        _ => true,
        RolloutSwarm.RollbackAsync);

    /// <summary>A command that continues from the group's journal: run, show progress, and turn the outcome into an exit code.</summary>
    private static Command JournalCommand(string name, string description, Func<RollingUpdater, CancellationToken, Task<RolloutJournal>> run, Func<RolloutJournal, bool> isRollback,
        Func<SwarmGroup, CancellationToken, Task<int>> swarm)
    {
        var o = new RolloutOptions();
        var command = new Command(name, description) { o.Group };
        command.SetAction((parse, ct) => GuardAsync(async () =>
        {
            if (LoadAny(parse, o) is SwarmGroup swarmGroup)
            {
                return await swarm(swarmGroup, ct).ConfigureAwait(false);
            }

            var group = LoadGroup(parse, o);
            var journal = await RolloutDisplay.RunAsync(p => run(Updater(group, p), ct)).ConfigureAwait(false);
            return Outcome(journal, rollback: isRollback(journal));
        }));
        return command;
    }

    private static Command Status()
    {
        var o = new RolloutOptions();
        var json = JsonOut.Option();
        var command = new Command("status", "Show the last rollout and every instance's release, processes and health") { o.Group, json };
        command.SetAction((parse, ct) => GuardAsync(async () =>
        {
            if (LoadAny(parse, o) is SwarmGroup swarm)
            {
                return await RolloutSwarm.StatusAsync(swarm, parse.GetValue(json), ct).ConfigureAwait(false);
            }

            var group = LoadGroup(parse, o);
            var provider = new LocalInstanceProvider(group);
            var journal = RolloutJournal.Load(group.StateDirectory);
            var states = journal?.State.Instances.ToDictionary(i => i.Name, StringComparer.Ordinal) ?? [];
            var rows = new List<(string Name, string State, string? Release, bool Running, bool Healthy, string? Error)>();
            foreach (var name in provider.Instances)
            {
                var slots = provider.RunningSlots(name);
                var healthy = false;
                foreach (var slot in slots)
                {
                    healthy |= await provider.IsHealthyAsync(name, slot, ct).ConfigureAwait(false);
                }

                var progress = states.GetValueOrDefault(name);
                rows.Add((name, progress?.State.ToString() ?? "-", provider.GetInstalled(name), slots.Count > 0, healthy, progress?.Error));
            }

            if (parse.GetValue(json))
            {
                JsonOut.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("kind", "local");
                    w.ObjectOrNull("rollout", journal, (w, j) =>
                    {
                        w.WriteString("id", j.Id);
                        w.WriteString("target", j.TargetPath);
                        w.WriteString("sha256", j.Sha256);
                        w.WriteString("phase", j.State.Phase.ToString());
                        w.WriteString("reason", j.State.Reason);
                    });
                    w.Objects("instances", rows, (w, row) =>
                    {
                        w.WriteString("name", row.Name);
                        w.WriteString("state", row.State);
                        w.WriteString("release", row.Release);
                        w.WriteBoolean("running", row.Running);
                        w.WriteBoolean("healthy", row.Healthy);
                        w.WriteString("error", row.Error);
                    });
                    w.WriteEndObject();
                });
                return ExitCodes.Ok;
            }

            if (journal is null)
            {
                Console.Out.WriteLine("no rollout yet");
            }
            else
            {
                Console.Out.WriteLine($"rollout {journal.Id}: {journal.TargetPath} sha256 {journal.Sha256}");
                Console.Out.WriteLine($"phase: {journal.State.Phase}{(journal.State.Reason is { } r ? " (" + r + ")" : "")}");
            }

            foreach (var row in rows)
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{row.Name,-16} {row.State,-15} release {(row.Release is null ? "none" : row.Release[..12]),-12} {(row.Running ? "running" : "stopped")} {(row.Healthy ? "healthy" : "unhealthy")}{(row.Error is { } e ? "  " + e : "")}"));
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Stop()
    {
        var o = new RolloutOptions();
        var command = new Command("stop", "Stop every instance process of the group (SIGTERM, then SIGKILL after the grace period; swarm: scale to 0)") { o.Group };
        command.SetAction((parse, ct) => GuardAsync(async () =>
        {
            if (LoadAny(parse, o) is SwarmGroup swarm)
            {
                return await RolloutSwarm.StopAsync(swarm, ct).ConfigureAwait(false);
            }

            var group = LoadGroup(parse, o);
            var provider = new LocalInstanceProvider(group);
            foreach (var name in provider.Instances)
            {
                await provider.StopAsync(name, null, ct).ConfigureAwait(false);
                Console.Out.WriteLine($"{name}: stopped");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Watch()
    {
        var o = new RolloutOptions();
        var interval = new Option<string>("--interval") { Description = "How often the repository is polled (default 60s)" };
        var command = new Command("watch", "Keep the group converged on the newest verified version; restart dead instances, repair tampered ones") { o.Group, interval };
        o.AddRepository(command);
        o.AddStrategy(command);
        command.SetAction((parse, ct) => GuardAsync(async () =>
        {
            var settings = o.Settings(parse);
            var repository = o.Repository(parse);
            var every = parse.GetValue(interval) is { } text ? RolloutOptions.ParseDuration(text, "--interval") : TimeSpan.FromSeconds(60);
            if (every <= TimeSpan.Zero)
            {
                throw new UsageException("--interval must be positive");
            }

            var gate = new object();
            void Line(string text)
            {
                lock (gate)
                {
                    Console.Out.WriteLine(text);
                }
            }

            if (LoadAny(parse, o) is SwarmGroup swarm)
            {
                return await RolloutSwarm.WatchAsync(swarm, parse.GetValue(o.Target)!, repository, settings, every, Line, ct).ConfigureAwait(false);
            }

            var group = LoadGroup(parse, o);

            var watcher = new GroupWatcher(new LocalInstanceProvider(group), SourceFactory(repository, Path.Combine(group.StateDirectory, "downloads")),
                parse.GetValue(o.Target)!, settings, repository, group.StateDirectory, TimeProvider.System,
                p => Line(p.Instance is null ? p.Message : $"{p.Instance}: {p.Message}"), Line);
            Line($"watching {parse.GetValue(o.Target)} every {every.TotalSeconds:0.###} s (Ctrl+C to stop)");
            try
            {
                await watcher.RunAsync(every, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Line("watch stopped");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static GroupFile LoadGroup(ParseResult parse, RolloutOptions o) => (GroupFile)LoadAny(parse, o);

    /// <summary>The group file: a <see cref="GroupFile"/> (local processes) or a <see cref="SwarmGroup"/>.</summary>
    private static object LoadAny(ParseResult parse, RolloutOptions o)
    {
        try
        {
            return RolloutGroup.Load(parse.GetValue(o.Group)!.FullName);
        }
        catch (FormatException ex)
        {
            throw new UsageException(ex.Message);
        }
    }

    private static RollingUpdater Updater(GroupFile group, Action<RolloutProgress> progress) =>
        new(new LocalInstanceProvider(group), group.StateDirectory, TimeProvider.System, progress);

    private static int Outcome(RolloutJournal journal, bool rollback)
    {
        var state = journal.State;
        var ok = rollback
            ? state.Phase == RolloutPhase.RolledBack && state.Count(InstanceState.RollbackFailed) == 0
            : state.Phase == RolloutPhase.Completed && state.Count(InstanceState.Failed) == 0;
        var summary = RollingUpdater.Describe(state);
        if (ok)
        {
            // Plain output already ended with this line (the updater's last progress event).
            if (RolloutDisplay.Interactive)
            {
                Console.Out.WriteLine(summary);
            }

            return ExitCodes.Ok;
        }

        Console.Error.WriteLine($"tuf: {summary}");
        return ExitCodes.Failure;
    }

    private static async Task<int> GuardAsync(Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RolloutException or DockerException or InvalidDataException)
        {
            Console.Error.WriteLine($"tuf: {ex.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception ex)
        {
            return CliErrors.Report(ex);
        }
    }
}
