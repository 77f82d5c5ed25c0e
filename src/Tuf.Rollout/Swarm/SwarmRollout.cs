using System.Collections.Immutable;
using System.Security.Cryptography;
using Tuf.Client.Registry;

namespace Tuf.Rollout.Swarm;

/// <summary>
/// Rolls a verified image digest across a swarm service. Swarm's own orchestrator does the batching (its
/// <c>UpdateConfig</c>/<c>RollbackConfig</c> come from the strategy); this class checks that the registry serves
/// exactly the signed manifest, pins the service to <c>IMAGE@sha256:...</c> (never a tag) against the service's version
/// (a concurrent change makes it read again and retry, never overwrite), and follows Swarm's update status and
/// tasks until the update completed with every task on the digest, paused or rolled back.
/// </summary>
public sealed class SwarmRollout : IDisposable
{
    private const int MaxConflictRetries = 5;

    private readonly SwarmGroup _group;
    private readonly DockerEngine _engine;
    private readonly RegistryClient _registry;
    private readonly TimeProvider _time;
    private readonly Action<RolloutProgress> _progress;
    private readonly TimeSpan _poll;
    private readonly bool _ownsClients;

    /// <summary>
    /// Creates the rollout of <paramref name="group"/>, talking to its docker daemon (the group's <c>docker</c>, then
    /// <c>DOCKER_HOST</c>, then the default socket) and its registry.
    /// </summary>
    /// <param name="group">The group (service, image, daemon).</param>
    /// <param name="progress">Receives progress (none when null).</param>
    /// <param name="timeProvider">The clock (the system's when null).</param>
    public SwarmRollout(SwarmGroup group, Action<RolloutProgress>? progress = null, TimeProvider? timeProvider = null)
        : this(
            group,
            new DockerEngine(DockerEngine.ResolveEndpoint(RequireGroup(group).Docker)),
            new RegistryClient(group.PlainHttp),
            timeProvider ?? TimeProvider.System,
            progress ?? (_ => { }))
    {
        _ownsClients = true;
    }


    /// <param name="group">The group (service, image, daemon).</param>
    /// <param name="engine">The docker daemon.</param>
    /// <param name="registry">The registry client (to check the signed manifest is served).</param>
    /// <param name="time">The clock.</param>
    /// <param name="progress">Receives progress (a live display or plain lines).</param>
    /// <param name="poll">How often the service and its tasks are read while following (default 500 ms).</param>
    internal SwarmRollout(SwarmGroup group, DockerEngine engine, RegistryClient registry, TimeProvider time, Action<RolloutProgress> progress, TimeSpan? poll = null)
    {
        _group = group;
        _engine = engine;
        _registry = registry;
        _time = time;
        _progress = progress;
        _poll = poll ?? TimeSpan.FromMilliseconds(500);
    }

    /// <summary>The journal of the group's last swarm rollout, if any.</summary>
    public SwarmJournal? Journal => SwarmJournal.Load(_group.StateDirectory);

    /// <summary>
    /// Checks the registry serves the verified manifest, pins the service to it with the strategy, and follows the
    /// update to its end.
    /// </summary>
    /// <exception cref="RolloutException">The registry does not serve the signed manifest, or the service does not exist: nothing changed.</exception>
    public async Task<SwarmJournal> StartAsync(VerifiedImage image, RolloutSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(settings);
        await VerifyInRegistryAsync(image, cancellationToken).ConfigureAwait(false);
        var before = Journal;

        // What rollback returns to: the digest that verifiably ran before this rollout.
        string? previous = before is null ? null : before.Digest == image.Digest ? before.PreviousDigest : before.VerifiedDigest;
        return await UpdateAndFollowAsync(image, previous, settings, before?.StoppedReplicas, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Re-attaches to the update the journal records (after <c>tuf</c> was killed), re-asking for it if it never reached the daemon.</summary>
    /// <exception cref="RolloutException">There is no swarm rollout to resume.</exception>
    public async Task<SwarmJournal> ResumeAsync(CancellationToken cancellationToken)
    {
        var journal = Journal ?? throw new RolloutException($"no swarm rollout recorded for service {_group.Service}: start one with 'tuf rollout start'");
        if (journal.Phase == SwarmPhase.Stopped)
        {
            throw new RolloutException($"service {_group.Service} was stopped by 'tuf rollout stop': start a rollout to run it again");
        }

        var service = await InspectAsync(cancellationToken).ConfigureAwait(false);
        var image = new VerifiedImage(journal.TargetPath, journal.Image, journal.Digest, journal.Length);
        bool asked = service.ImageDigest == journal.Digest || journal.AcceptedAt is not null;
        if (journal.Phase is SwarmPhase.Paused || !asked)
        {
            // A paused update continues when the spec is posted again; an update that never reached the daemon is asked for now.
            Report(null, journal.Phase is SwarmPhase.Paused ? $"resuming the paused update of {service.Name}" : $"the update of {service.Name} never reached the daemon: asking for it");
            return await UpdateAndFollowAsync(image, journal.PreviousDigest, journal.Settings, null, cancellationToken, journal.Id).ConfigureAwait(false);
        }

        Report(null, $"re-attached to the update of {service.Name} to {image.Pinned}");
        return await FollowAsync(journal, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns the service to the previous verified digest the journal records, with the rollback strategy.</summary>
    /// <exception cref="RolloutException">No previous verified digest is recorded.</exception>
    public async Task<SwarmJournal> RollbackAsync(CancellationToken cancellationToken)
    {
        var journal = Journal ?? throw new RolloutException($"no swarm rollout recorded for service {_group.Service}: nothing to roll back");
        if (journal.PreviousDigest is not { } previous)
        {
            throw new RolloutException($"no previous verified digest is recorded for service {_group.Service}: the last rollout was its first");
        }

        var image = new VerifiedImage(journal.TargetPath, journal.Image, previous, 0);
        var strategy = journal.Settings with { Update = journal.Settings.Rollback with { FailureAction = FailureAction.Pause } };
        Report(null, $"rolling {_group.Service} back to {image.Pinned}");
        return await UpdateAndFollowAsync(image, journal.Digest, strategy, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Scales the service to 0, recording its replica count in the journal (a later start restores it).</summary>
    public async Task<long> StopAsync(CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            var service = await InspectAsync(cancellationToken).ConfigureAwait(false);
            var replicas = service.Replicas ?? throw new RolloutException($"service {service.Name} is global: it cannot be scaled to 0");
            var journal = Journal;
            if (replicas == 0)
            {
                return journal?.StoppedReplicas ?? 0;
            }

            var spec = (System.Text.Json.Nodes.JsonObject)service.Spec.DeepClone();
            ((System.Text.Json.Nodes.JsonObject)spec["Mode"]!["Replicated"]!)["Replicas"] = 0;
            var stopped = (journal ?? NewJournal(service, new VerifiedImage("", _group.Image.Name, service.ImageDigest ?? "", 0), null, RolloutSettings.Default))
                with { Phase = SwarmPhase.Stopped, StoppedReplicas = replicas, Reason = null };
            try
            {
                await _engine.UpdateServiceAsync(service.Id, service.Version, spec, cancellationToken).ConfigureAwait(false);
            }
            catch (SwarmConflictException) when (attempt < MaxConflictRetries)
            {
                continue;
            }

            stopped.Save(_group.StateDirectory);
            return replicas;
        }
    }

    /// <summary>
    /// Pins the service back to the journal's verified digest (keeping its strategy) when it runs anything else, and follows
    /// the update. Returns what the service ran, or null when it already ran the digest.
    /// </summary>
    internal async Task<string?> RepairDriftAsync(SwarmJournal journal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(journal);
        if (journal.VerifiedDigest is not { } digest || journal.Phase == SwarmPhase.Stopped)
        {
            return null;
        }

        var service = await InspectAsync(cancellationToken).ConfigureAwait(false);
        if (service.ImageDigest == digest && service.Image == journal.Image + "@" + digest)
        {
            return null;
        }

        string found = service.Image ?? "(no image)";
        var image = new VerifiedImage(journal.TargetPath, journal.Image, digest, journal.Length);
        await UpdateAndFollowAsync(image, journal.Phase == SwarmPhase.Completed ? journal.PreviousDigest : null, journal.Settings, null, cancellationToken,
            keepPhaseOf: journal.Phase == SwarmPhase.Completed ? null : journal).ConfigureAwait(false);
        return found;
    }

    /// <summary>Reads the service (and fails with a clear message when it does not exist).</summary>
    internal async Task<SwarmService> InspectAsync(CancellationToken cancellationToken) =>
        await _engine.InspectServiceAsync(_group.Service, cancellationToken).ConfigureAwait(false)
            ?? throw new RolloutException($"no swarm service named {_group.Service} (docker service create it first)");

    /// <summary>Fetches the manifest by digest from the registry and checks it is exactly the signed one (length and sha256).</summary>
    /// <exception cref="RolloutException">It is missing or differs.</exception>
    internal async Task VerifyInRegistryAsync(VerifiedImage image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        var reference = ImageReference.Parse(image.Image);
        RegistryManifest manifest;
        try
        {
            manifest = await _registry.GetManifestAsync(reference, image.Digest, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException ex)
        {
            throw new RolloutException($"the registry does not serve the signed manifest of {image.TargetPath}: {ex.Message}", ex);
        }

        var actual = SHA256.HashData(manifest.Bytes);
        var signed = Convert.FromHexString(image.Digest["sha256:".Length..]);
        if (!CryptographicOperations.FixedTimeEquals(actual, signed) || manifest.Bytes.Length != image.Length)
        {
            throw new RolloutException($"the registry's manifest for {image.Pinned} ({manifest.Bytes.Length} bytes, {manifest.Digest}) is not the signed one ({image.Length} bytes, {image.Digest})");
        }

        Report(null, $"registry serves the signed manifest {image.Digest} ({manifest.Bytes.Length} bytes, {manifest.MediaType})");
    }

    private async Task<SwarmJournal> UpdateAndFollowAsync(VerifiedImage image, string? previousDigest, RolloutSettings settings, long? restoreReplicas, CancellationToken cancellationToken, string? id = null, SwarmJournal? keepPhaseOf = null)
    {
        for (int attempt = 0; ; attempt++)
        {
            var service = await InspectAsync(cancellationToken).ConfigureAwait(false);
            long? replicas = restoreReplicas is { } r && service.Replicas == 0 ? r : null;
            var spec = SwarmUpdateConfig.Apply(service.Spec, image.Pinned, settings, replicas);

            // Recorded before the daemon is asked: a tuf killed in between finds the journal and asks again on resume.
            var journal = NewJournal(service, image, previousDigest, settings) with { Id = id ?? NewId(), PreviousImage = service.Image };
            journal.Save(_group.StateDirectory);
            DateTimeOffset? accepted;
            try
            {
                accepted = await _engine.UpdateServiceAsync(service.Id, service.Version, spec, cancellationToken).ConfigureAwait(false);
            }
            catch (SwarmConflictException ex) when (attempt < MaxConflictRetries)
            {
                Report(null, $"service {service.Name} changed meanwhile ({ex.Message}): reading it again");
                continue;
            }

            journal = journal with { AcceptedAt = accepted ?? _time.GetUtcNow(), SpecVersion = service.Version };
            journal.Save(_group.StateDirectory);
            Report(null, $"service {service.Name}: image {image.Pinned} (was {service.Image ?? "none"})");
            var final = await FollowAsync(journal, cancellationToken).ConfigureAwait(false);
            if (keepPhaseOf is not null && final.Phase == SwarmPhase.Completed)
            {
                // A repair of a service whose last rollout failed: that rollout's record (and its failed digest) stays.
                keepPhaseOf.Save(_group.StateDirectory);
                return keepPhaseOf;
            }

            return final;
        }
    }

    /// <summary>Follows Swarm's update status and tasks until the update ends; saves and returns the outcome.</summary>
    private async Task<SwarmJournal> FollowAsync(SwarmJournal journal, CancellationToken cancellationToken)
    {
        var last = new Dictionary<string, string>(StringComparer.Ordinal);
        string? lastHeadline = null;
        DateTimeOffset? completedSeen = null;
        var nodes = await _engine.NodeNamesAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var service = await InspectAsync(cancellationToken).ConfigureAwait(false);
            var tasks = await _engine.ListTasksAsync(service.Id, cancellationToken).ConfigureAwait(false);
            var status = service.UpdateStatus is { } s && (journal.AcceptedAt is null || s.StartedAt is null || s.StartedAt >= journal.AcceptedAt.Value.AddSeconds(-2)) ? s : null;
            var phase = PhaseOf(status);
            var (state, lines) = Describe(service, tasks, journal, phase, nodes);
            foreach (var (slot, line) in lines)
            {
                if (!last.TryGetValue(slot, out var before) || before != line)
                {
                    last[slot] = line;
                    _progress(new RolloutProgress(state, slot, line));
                }
            }

            string headline = status is null ? "waiting for swarm" : $"swarm: {status.State}{(status.Message is { Length: > 0 } m ? " (" + m + ")" : "")}";
            if (headline != lastHeadline)
            {
                lastHeadline = headline;
                _progress(new RolloutProgress(state, null, headline));
            }

            SwarmJournal? outcome = status?.State switch
            {
                "paused" => journal with { Phase = SwarmPhase.Paused, Reason = Reason("swarm paused the update", status, tasks, journal) },
                "rollback_completed" => journal with { Phase = SwarmPhase.RolledBack, Reason = Reason("swarm rolled the update back", status, tasks, journal) },
                "rollback_paused" => journal with { Phase = SwarmPhase.RollbackPaused, Reason = Reason("swarm paused the rollback", status, tasks, journal) },
                _ => null,
            };

            if (outcome is null && status?.State is null or "completed" && service.ImageDigest == journal.Digest)
            {
                if (Converged(service, tasks, journal.Digest))
                {
                    outcome = journal with { Phase = SwarmPhase.Completed, Reason = null, StoppedReplicas = null };
                }
                else if (status?.State == "completed")
                {
                    // Completed with failure action continue (or tasks still settling): give the tasks the health timeout.
                    completedSeen ??= _time.GetUtcNow();
                    if (_time.GetUtcNow() - completedSeen > journal.Settings.Update.HealthTimeout)
                    {
                        outcome = journal with { Phase = SwarmPhase.Paused, Reason = Reason("the update completed but not every task runs the verified digest", status, tasks, journal) };
                    }
                }
            }
            else if (outcome is null && status is null && service.ImageDigest != journal.Digest)
            {
                outcome = journal with { Phase = SwarmPhase.Paused, Reason = $"service {service.Name} no longer names {journal.Digest} (it names {service.Image}): changed by someone else" };
            }

            if (outcome is not null)
            {
                outcome.Save(_group.StateDirectory);
                _progress(new RolloutProgress(state with { Phase = ToRolloutPhase(outcome.Phase), Reason = outcome.Reason }, null, Describe(outcome)));
                return outcome;
            }

            await Task.Delay(_poll, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The service as it runs now: its image and update state, each desired task with its node and the release it
    /// runs, and the group's journal.
    /// </summary>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The status.</returns>
    /// <exception cref="RolloutException">The service does not exist.</exception>
    public async Task<SwarmStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var service = await InspectAsync(cancellationToken).ConfigureAwait(false);
        var journal = Journal;
        var nodes = await _engine.NodeNamesAsync(cancellationToken).ConfigureAwait(false);
        var tasks = await _engine.ListTasksAsync(service.Id, cancellationToken).ConfigureAwait(false);
        var instances = tasks.Where(t => t.IsDesired).OrderBy(t => t.Slot).Select(t => new SwarmInstance(
            service.Name + "." + t.Slot.ToString(System.Globalization.CultureInfo.InvariantCulture),
            t.State,
            t.NodeId is { } id && nodes.TryGetValue(id, out var host) ? host : null,
            t.Digest ?? t.Image,
            t.Error)).ToList();
        return new SwarmStatus(journal, service.Name, service.Image, service.ImageDigest, service.Replicas, service.UpdateStatus?.State, service.UpdateStatus?.Message, instances);
    }

    /// <summary>Releases the daemon and registry connections this instance opened.</summary>
    public void Dispose()
    {
        if (_ownsClients)
        {
            _engine.Dispose();
            _registry.Dispose();
        }
    }

    private static SwarmGroup RequireGroup(SwarmGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return group;
    }

    /// <summary>The one-line summary of a swarm rollout's outcome.</summary>
    /// <param name="journal">The journal.</param>
    /// <returns>The summary.</returns>
    public static string Describe(SwarmJournal journal)
    {
        ArgumentNullException.ThrowIfNull(journal);
        return journal.Phase switch
        {
            SwarmPhase.Completed => $"rollout completed: service {journal.Service} runs {journal.Image}@{journal.Digest} on every task",
            SwarmPhase.Stopped => $"service {journal.Service} is stopped (scaled to 0 from {journal.StoppedReplicas})",
            SwarmPhase.Updating => $"service {journal.Service} is updating to {journal.Image}@{journal.Digest}",
            _ => journal.Reason ?? journal.Phase.ToString(),
        };
    }

    /// <summary>Whether every task the orchestrator wants running runs the digest, and as many as the service asks for.</summary>
    private static bool Converged(SwarmService service, IReadOnlyList<SwarmTask> tasks, string digest)
    {
        var desired = tasks.Where(t => t.IsDesired).ToList();
        if (desired.Any(t => t.Digest != digest || !t.IsRunning))
        {
            return false;
        }

        return service.Replicas is not { } n || desired.Count == n;
    }

    private static string Reason(string what, SwarmUpdateStatus? status, IReadOnlyList<SwarmTask> tasks, SwarmJournal journal)
    {
        var failed = tasks.Where(t => t.HasFailed && t.Digest == journal.Digest)
            .GroupBy(t => t.Slot).Select(g => g.MaxBy(t => t.UpdatedAt)!)
            .Select(t => $"{journal.Service}.{t.Slot} task {t.Id[..Math.Min(12, t.Id.Length)]}: {t.State}{(t.Error is { } e ? " (" + e + ")" : "")}")
            .ToList();
        return $"{what}{(status?.Message is { Length: > 0 } m ? ": " + m : "")}; failed: {(failed.Count == 0 ? "none" : string.Join(", ", failed))}";
    }

    private static string? PhaseOf(SwarmUpdateStatus? status) => status?.State;

    /// <summary>The rollout state for the live display: one "instance" per replica slot.</summary>
    private static (RolloutState State, List<(string Slot, string Line)> Lines) Describe(SwarmService service, IReadOnlyList<SwarmTask> tasks, SwarmJournal journal, string? status, IReadOnlyDictionary<string, string> nodes)
    {
        bool rollingBack = status is "rollback_started" or "rollback_paused" or "rollback_completed";
        var instances = ImmutableArray.CreateBuilder<InstanceProgress>();
        var lines = new List<(string, string)>();
        long slots = Math.Max(service.Replicas ?? 0, tasks.Count == 0 ? 0 : tasks.Max(t => t.Slot));
        for (long slot = 1; slot <= slots; slot++)
        {
            string name = $"{service.Name}.{slot}";
            var current = tasks.Where(t => t.Slot == slot).OrderByDescending(t => t.IsDesired).ThenByDescending(t => t.UpdatedAt).FirstOrDefault();
            if (current is null)
            {
                instances.Add(new InstanceProgress(name, null, InstanceState.Pending));
                continue;
            }

            bool ours = current.Digest == journal.Digest;
            var state = (ours, rollingBack, current.IsRunning, current.HasFailed) switch
            {
                (true, false, true, _) => InstanceState.Updated,
                (true, _, _, true) => InstanceState.Failed,
                (true, false, _, _) => InstanceState.Updating,
                (false, true, true, _) => InstanceState.RolledBack,
                (false, true, _, true) => InstanceState.RollbackFailed,
                (false, true, _, _) => InstanceState.RollingBack,
                _ => InstanceState.Pending,
            };
            string node = current.NodeId is { } id && nodes.TryGetValue(id, out var host) ? host : current.NodeId?[..Math.Min(12, current.NodeId.Length)] ?? "-";
            string digest = current.Digest is { } d ? d["sha256:".Length..][..12] : current.Image ?? "?";
            instances.Add(new InstanceProgress(name, null, state, current.Error));
            lines.Add((name, $"task {current.Id[..Math.Min(12, current.Id.Length)]} on {node}: {current.State} ({digest}){(current.Error is { } e ? ": " + e : "")}"));
        }

        var phase = status switch
        {
            "paused" => RolloutPhase.Paused,
            "completed" => RolloutPhase.Completed,
            "rollback_started" => RolloutPhase.RollingBack,
            "rollback_paused" => RolloutPhase.RollbackPaused,
            "rollback_completed" => RolloutPhase.RolledBack,
            _ => RolloutPhase.Updating,
        };
        return (new RolloutState(phase, instances.ToImmutable()), lines);
    }

    private static RolloutPhase ToRolloutPhase(SwarmPhase phase) => phase switch
    {
        SwarmPhase.Completed => RolloutPhase.Completed,
        SwarmPhase.Paused => RolloutPhase.Paused,
        SwarmPhase.RolledBack => RolloutPhase.RolledBack,
        SwarmPhase.RollbackPaused => RolloutPhase.RollbackPaused,
        _ => RolloutPhase.Updating,
    };

    private SwarmJournal NewJournal(SwarmService service, VerifiedImage image, string? previousDigest, RolloutSettings settings) =>
        new(1, NewId(), _group.Service, service.Id, image.TargetPath, image.Image, image.Digest, image.Length, previousDigest, service.Image, settings,
            service.Version, null, SwarmPhase.Updating, null, null, _time.GetUtcNow());

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private void Report(string? instance, string message) =>
        _progress(new RolloutProgress(new RolloutState(RolloutPhase.Updating, []), instance, message));
}
