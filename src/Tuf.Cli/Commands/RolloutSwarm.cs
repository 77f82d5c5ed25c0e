using Tuf.Cli.Output;
using System.Globalization;
using Tuf.Rollout;
using Tuf.Rollout.Swarm;

namespace Tuf.Cli.Commands;

/// <summary>The <c>tuf rollout</c> subcommands for a swarm group: Swarm batches, TUF decides which digest may run.</summary>
internal static class RolloutSwarm
{
    /// <summary>Builds the TUF-backed image source (replaceable in tests).</summary>
    internal static Func<RepositorySource, SwarmGroup, IVerifiedImageSource> SourceFactory { get; set; } =
        (source, group) => new UpdaterImageSource(source, group.Image);

    public static async Task<int> StartAsync(SwarmGroup group, string target, RepositorySource repository, RolloutSettings settings, CancellationToken cancellationToken)
    {
        // Verify first: a repository that cannot be trusted changes nothing on the swarm.
        var image = await SourceFactory(repository, group).ResolveAsync(target, cancellationToken).ConfigureAwait(false);
        Console.Out.WriteLine($"verified {target}: {image.Pinned} ({image.Length} bytes)");
        return await RunAsync(group, (rollout, ct) => rollout.StartAsync(image, settings, ct), cancellationToken).ConfigureAwait(false);
    }

    public static Task<int> ResumeAsync(SwarmGroup group, CancellationToken cancellationToken) =>
        RunAsync(group, (rollout, ct) => rollout.ResumeAsync(ct), cancellationToken);

    public static Task<int> RollbackAsync(SwarmGroup group, CancellationToken cancellationToken) =>
        RunAsync(group, (rollout, ct) => rollout.RollbackAsync(ct), cancellationToken);

    public static async Task<int> StopAsync(SwarmGroup group, CancellationToken cancellationToken)
    {
        using var rollout = new SwarmRollout(group);
        long replicas = await rollout.StopAsync(cancellationToken).ConfigureAwait(false);
        Console.Out.WriteLine($"{group.Service}: scaled to 0 (from {replicas} replicas; the next start restores them)");
        return ExitCodes.Ok;
    }

    public static async Task<int> StatusAsync(SwarmGroup group, bool json, CancellationToken cancellationToken)
    {
        using var rollout = new SwarmRollout(group);
        var status = await rollout.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        var journal = status.Journal;
        if (json)
        {
            JsonOut.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("kind", "swarm");
                w.ObjectOrNull("rollout", journal, (w, j) =>
                {
                    w.WriteString("id", j.Id);
                    w.WriteString("target", j.TargetPath);
                    w.WriteString("image", j.Image);
                    w.WriteString("digest", j.Digest);
                    w.WriteString("phase", j.Phase.ToString());
                    w.WriteString("reason", j.Reason);
                    w.WriteString("verified", j.VerifiedPinned);
                    w.WriteString("previous_digest", j.PreviousDigest);
                });

                w.WriteStartObject("service");
                w.WriteString("name", status.Service);
                w.WriteString("image", status.Image);
                w.WriteBoolean("verified_digest", status.RunsVerifiedDigest);
                if (status.Replicas is { } replicas)
                {
                    w.WriteNumber("replicas", replicas);
                }
                else
                {
                    w.WriteNull("replicas");
                }

                w.WriteString("update_state", status.UpdateState);
                w.WriteEndObject();
                w.Objects("instances", status.Instances, (w, instance) =>
                {
                    w.WriteString("name", instance.Name);
                    w.WriteString("state", instance.State);
                    w.WriteString("node", instance.Node ?? "-");
                    w.WriteString("release", instance.Release);
                    w.WriteString("error", instance.Error);
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
            Console.Out.WriteLine($"rollout {journal.Id}: {journal.TargetPath} {journal.Image}@{journal.Digest}");
            Console.Out.WriteLine($"phase: {journal.Phase}{(journal.Reason is { } r ? " (" + r + ")" : "")}");
            Console.Out.WriteLine($"verified: {journal.VerifiedPinned ?? "none"}{(journal.PreviousDigest is { } p ? "; previous " + p : "")}");
        }

        string drift = status.RunsVerifiedDigest ? "" : "  (not the verified digest)";
        Console.Out.WriteLine($"service {status.Service}: image {status.Image}{drift}; replicas {status.Replicas?.ToString(CultureInfo.InvariantCulture) ?? "global"}; update {status.UpdateState ?? "none"}{(status.UpdateMessage is { Length: > 0 } m ? " (" + m + ")" : "")}");
        foreach (var instance in status.Instances)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{instance.Name,-20} {instance.State,-10} {instance.Node ?? "-",-16} {instance.Release}{(instance.Error is { } e ? "  " + e : "")}"));
        }

        return ExitCodes.Ok;
    }

    public static async Task<int> WatchAsync(SwarmGroup group, string target, RepositorySource repository, RolloutSettings settings, TimeSpan every, Action<string> line, CancellationToken cancellationToken)
    {
        using var rollout = new SwarmRollout(group, p => line(p.Instance is null ? p.Message : $"{p.Instance}: {p.Message}"));
        var watcher = new SwarmWatcher(rollout, SourceFactory(repository, group), target, settings, TimeProvider.System, line);
        line($"watching {target} for service {group.Service} every {every.TotalSeconds:0.###} s (Ctrl+C to stop)");
        try
        {
            await watcher.RunAsync(every, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            line("watch stopped");
        }

        return ExitCodes.Ok;
    }

    private static async Task<int> RunAsync(SwarmGroup group, Func<SwarmRollout, CancellationToken, Task<SwarmJournal>> run, CancellationToken cancellationToken)
    {
        var journal = await RolloutDisplay.RunAsync(async p =>
        {
            using var rollout = new SwarmRollout(group, p);
            return await run(rollout, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        var summary = SwarmRollout.Describe(journal);
        if (journal.Phase == SwarmPhase.Completed)
        {
            if (RolloutDisplay.Interactive)
            {
                Console.Out.WriteLine(summary);
            }

            return ExitCodes.Ok;
        }

        Console.Error.WriteLine($"tuf: {summary}");
        return ExitCodes.Failure;
    }
}
