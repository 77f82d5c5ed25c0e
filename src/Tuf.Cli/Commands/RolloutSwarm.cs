using Tuf.Cli.Output;
using System.Globalization;
using Tuf.Client.Registry;
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
        using var engine = new DockerEngine(DockerEngine.ResolveEndpoint(group.Docker));
        using var registry = new RegistryClient(group.PlainHttp);
        var rollout = new SwarmRollout(group, engine, registry, TimeProvider.System, _ => { });
        long replicas = await rollout.StopAsync(cancellationToken).ConfigureAwait(false);
        Console.Out.WriteLine($"{group.Service}: scaled to 0 (from {replicas} replicas; the next start restores them)");
        return ExitCodes.Ok;
    }

    public static async Task<int> StatusAsync(SwarmGroup group, bool json, CancellationToken cancellationToken)
    {
        using var engine = new DockerEngine(DockerEngine.ResolveEndpoint(group.Docker));
        var service = await engine.InspectServiceAsync(group.Service, cancellationToken).ConfigureAwait(false)
            ?? throw new RolloutException($"no swarm service named {group.Service}");
        var journal = SwarmJournal.Load(group.StateDirectory);
        var nodes = await engine.NodeNamesAsync(cancellationToken).ConfigureAwait(false);
        var tasks = (await engine.ListTasksAsync(service.Id, cancellationToken).ConfigureAwait(false)).Where(t => t.IsDesired).OrderBy(t => t.Slot).ToList();
        string NodeOf(string? id) => id is not null && nodes.TryGetValue(id, out var host) ? host : "-";
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
                w.WriteString("name", service.Name);
                w.WriteString("image", service.Image);
                w.WriteBoolean("verified_digest", journal?.VerifiedDigest is not { } d || service.ImageDigest == d);
                if (service.Replicas is { } replicas)
                {
                    w.WriteNumber("replicas", replicas);
                }
                else
                {
                    w.WriteNull("replicas");
                }

                w.WriteString("update_state", service.UpdateStatus?.State);
                w.WriteEndObject();
                w.Objects("instances", tasks, (w, task) =>
                {
                    w.WriteString("name", service.Name + "." + task.Slot.ToString(CultureInfo.InvariantCulture));
                    w.WriteString("state", task.State);
                    w.WriteString("node", NodeOf(task.NodeId));
                    w.WriteString("release", task.Digest ?? task.Image);
                    w.WriteString("error", task.Error);
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

        string drift = journal?.VerifiedDigest is { } digest && service.ImageDigest != digest ? "  (not the verified digest)" : "";
        Console.Out.WriteLine($"service {service.Name}: image {service.Image}{drift}; replicas {service.Replicas?.ToString(CultureInfo.InvariantCulture) ?? "global"}; update {service.UpdateStatus?.State ?? "none"}{(service.UpdateStatus?.Message is { Length: > 0 } m ? " (" + m + ")" : "")}");
        foreach (var task in tasks)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{service.Name + "." + task.Slot,-20} {task.State,-10} {NodeOf(task.NodeId),-16} {task.Digest ?? task.Image}{(task.Error is { } e ? "  " + e : "")}"));
        }

        return ExitCodes.Ok;
    }

    public static async Task<int> WatchAsync(SwarmGroup group, string target, RepositorySource repository, RolloutSettings settings, TimeSpan every, Action<string> line, CancellationToken cancellationToken)
    {
        using var engine = new DockerEngine(DockerEngine.ResolveEndpoint(group.Docker));
        using var registry = new RegistryClient(group.PlainHttp);
        var rollout = new SwarmRollout(group, engine, registry, TimeProvider.System, p => line(p.Instance is null ? p.Message : $"{p.Instance}: {p.Message}"));
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
        using var engine = new DockerEngine(DockerEngine.ResolveEndpoint(group.Docker));
        using var registry = new RegistryClient(group.PlainHttp);
        var journal = await RolloutDisplay.RunAsync(p => run(new SwarmRollout(group, engine, registry, TimeProvider.System, p), cancellationToken)).ConfigureAwait(false);
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
