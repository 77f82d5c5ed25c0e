using System.Security.Cryptography;
using Tuf.Internal;

namespace Tuf.Rollout;

/// <summary>
/// The rolling-update loop: journal → <see cref="RolloutDecision.Decide"/> → run a batch on the provider → record →
/// journal. All decisions are in <see cref="RolloutDecision"/>; this class only performs them. One updater at a time per
/// group (an exclusive lock file in the state folder; a killed updater's lock is released by the kernel).
/// </summary>
public sealed class RollingUpdater
{
    private readonly IInstanceProvider _provider;
    private readonly string _stateDirectory;
    private readonly TimeProvider _time;
    private readonly Action<RolloutProgress>? _onProgress;

    /// <summary>Creates an updater for the instances of <paramref name="provider"/>.</summary>
    /// <param name="provider">The instances and how to install, start, stop and health-check them.</param>
    /// <param name="stateDirectory">Where the journal (<c>rollout.json</c>) and the verified artifacts are kept; one folder per group.</param>
    /// <param name="time">The clock for delays, monitoring and timestamps; the system clock when null.</param>
    /// <param name="onProgress">Called, on the updater's thread, with every step (planned, batch started, instance updated or failed, waiting, finished).</param>
    public RollingUpdater(IInstanceProvider provider, string stateDirectory, TimeProvider? time = null, Action<RolloutProgress>? onProgress = null)
    {
        _provider = provider;
        _stateDirectory = Path.GetFullPath(stateDirectory);
        _time = time ?? TimeProvider.System;
        _onProgress = onProgress;
    }

    /// <summary>The state folder (journal, verified artifacts, lock).</summary>
    public string StateDirectory => _stateDirectory;

    /// <summary>
    /// Plans and runs a rollout of <paramref name="verified"/> over every instance not already on it. The artifact's
    /// bytes are hash-checked before they are kept in the state folder, and again by each instance before install.
    /// </summary>
    /// <exception cref="RolloutException">A rollout of this group is running or unfinished.</exception>
    public async Task<RolloutJournal> StartAsync(VerifiedArtifact verified, RolloutSettings settings, RepositorySource? source, CancellationToken cancellationToken = default)
    {
        using var gate = Lock();
        var journal = PlanLocked(verified, settings, source);
        return await RunAsync(journal, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Plans and journals a rollout without running it (<see cref="ResumeAsync"/> runs it).</summary>
    public RolloutJournal Plan(VerifiedArtifact verified, RolloutSettings settings, RepositorySource? source)
    {
        using var gate = Lock();
        return PlanLocked(verified, settings, source);
    }

    private RolloutJournal PlanLocked(VerifiedArtifact verified, RolloutSettings settings, RepositorySource? source)
    {
        settings.Validate();
        CheckOrderSupported(settings);
        if (RolloutJournal.Load(_stateDirectory) is { State.IsTerminal: false } running)
        {
            throw new RolloutException($"a rollout of {running.TargetPath} is unfinished ({running.State.Phase}); use resume or rollback");
        }

        KeepArtifact(verified);
        var state = RolloutDecision.Plan(_provider.Instances.Select(i => (i, _provider.GetInstalled(i))), verified.Sha256);
        var journal = new RolloutJournal(1, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), verified.TargetPath, verified.Sha256, verified.Length,
            source, settings, state, _time.GetUtcNow());
        journal.Save(_stateDirectory);
        Report(journal.State, null, $"planned {verified.TargetPath} ({verified.Sha256[..12]}) on {state.Instances.Length} of {_provider.Instances.Count} instances");
        return journal;
    }

    /// <summary>Continues the journal's rollout: after a crash where it stopped; after a pause, retrying the failed instances.</summary>
    /// <exception cref="RolloutException">There is no rollout to resume.</exception>
    public async Task<RolloutJournal> ResumeAsync(CancellationToken cancellationToken = default)
    {
        using var gate = Lock();
        var journal = RolloutJournal.Load(_stateDirectory) ?? throw new RolloutException("no rollout has been started for this group");
        journal = journal with { State = RolloutDecision.Resume(journal.State) };
        return await RunAsync(journal, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns every instance the journal's rollout touched to the release it ran before, with the rollback strategy.</summary>
    /// <exception cref="RolloutException">There is no rollout to roll back.</exception>
    public async Task<RolloutJournal> RollbackAsync(CancellationToken cancellationToken = default)
    {
        using var gate = Lock();
        var journal = RolloutJournal.Load(_stateDirectory) ?? throw new RolloutException("no rollout has been started for this group");
        if (journal.State.Phase is not (RolloutPhase.RollingBack or RolloutPhase.RolledBack))
        {
            journal = journal with { State = RolloutDecision.BeginRollback(journal.State, "rollback requested by the operator") };
        }

        return await RunAsync(journal, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the journal without taking the lock (for status).</summary>
    public RolloutJournal? ReadJournal() => RolloutJournal.Load(_stateDirectory);

    private async Task<RolloutJournal> RunAsync(RolloutJournal journal, CancellationToken cancellationToken)
    {
        var artifact = journal.Artifact(_stateDirectory);
        DateTimeOffset? reportedWait = null;
        while (true)
        {
            var now = _time.GetUtcNow();
            var step = RolloutDecision.Decide(journal.State, journal.Settings, now);
            switch (step)
            {
                case Finished finished:
                    if (journal.State.Phase != finished.Phase)
                    {
                        journal = journal with { State = journal.State with { Phase = finished.Phase } };
                    }

                    journal.Save(_stateDirectory);
                    Report(journal.State, null, Describe(journal.State));
                    return journal;

                case WaitUntil wait:
                    // One line per wait: a timer may fire a little early, and the loop then waits out the remainder.
                    if (wait.Until != reportedWait)
                    {
                        Report(journal.State, null, $"waiting {Math.Ceiling((wait.Until - now).TotalSeconds):0} s before the next batch");
                        reportedWait = wait.Until;
                    }

                    await Task.Delay(wait.Until - now, _time, cancellationToken).ConfigureAwait(false);
                    break;

                case RunBatch batch:
                    journal = journal with { State = RolloutDecision.StartBatch(journal.State, batch) };
                    journal.Save(_stateDirectory);
                    Report(journal.State, null, $"{(batch.IsRollback ? "rolling back" : "updating")} {string.Join(", ", batch.Instances)}");
                    var strategy = batch.IsRollback ? journal.Settings.Rollback : journal.Settings.Update;
                    var previous = journal.State.Instances.ToDictionary(i => i.Name, i => i.PreviousSha256, StringComparer.Ordinal);
                    var state = journal.State;
                    var results = await Task.WhenAll(batch.Instances.Select(async name =>
                    {
                        var error = batch.IsRollback
                            ? await RollBackInstanceAsync(name, previous[name], strategy, state, cancellationToken).ConfigureAwait(false)
                            : await UpdateInstanceAsync(name, artifact, previous[name], strategy, state, cancellationToken).ConfigureAwait(false);
                        return (name, error);
                    })).ConfigureAwait(false);
                    var outcomes = results.ToDictionary(r => r.name, r => r.error, StringComparer.Ordinal);
                    journal = journal with { State = RolloutDecision.RecordBatch(journal.State, batch, outcomes, journal.Settings, _time.GetUtcNow()) };
                    journal.Save(_stateDirectory);
                    foreach (var (name, error) in results)
                    {
                        Report(journal.State, name, error is null ? (batch.IsRollback ? "rolled back" : "updated") : $"failed: {error}");
                    }

                    break;
            }
        }
    }

    private async Task<string?> UpdateInstanceAsync(string name, VerifiedArtifact artifact, string? previous, RolloutStrategy strategy, RolloutState state, CancellationToken ct)
    {
        try
        {
            await _provider.PrepareAsync(name, artifact, ct).ConfigureAwait(false);
            return await ReplaceAsync(name, artifact.Sha256, previous, strategy, state, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return ex.Message;
        }
    }

    private async Task<string?> RollBackInstanceAsync(string name, string? previous, RolloutStrategy strategy, RolloutState state, CancellationToken ct)
    {
        try
        {
            if (previous is null)
            {
                // It ran nothing before the rollout: roll back to nothing.
                await _provider.StopAsync(name, null, ct).ConfigureAwait(false);
                await _provider.ActivateAsync(name, null, ct).ConfigureAwait(false);
                return null;
            }

            return await ReplaceAsync(name, previous, _provider.GetInstalled(name), strategy, state, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return ex.Message;
        }
    }

    /// <summary>Makes <paramref name="sha256"/> live in the instance with the strategy's order, then health-gates it.</summary>
    private async Task<string?> ReplaceAsync(string name, string sha256, string? fallback, RolloutStrategy strategy, RolloutState state, CancellationToken ct)
    {
        int slot;
        if (strategy.Order == UpdateOrder.StopFirst)
        {
            Report(state, name, "stopping");
            await _provider.StopAsync(name, null, ct).ConfigureAwait(false);
            await _provider.ActivateAsync(name, sha256, ct).ConfigureAwait(false);
            slot = await _provider.StartAsync(name, ct).ConfigureAwait(false);
            Report(state, name, $"started {sha256[..12]}");
            if (await WaitHealthyAsync(name, slot, strategy, ct).ConfigureAwait(false) is { } notHealthy)
            {
                return notHealthy;
            }
        }
        else
        {
            await _provider.ActivateAsync(name, sha256, ct).ConfigureAwait(false);
            slot = await _provider.StartAsync(name, ct).ConfigureAwait(false);
            Report(state, name, $"started {sha256[..12]} beside the old process");
            if (await WaitHealthyAsync(name, slot, strategy, ct).ConfigureAwait(false) is { } notHealthy)
            {
                // The old process still serves: drop the new one and make the old release live again.
                await _provider.StopAsync(name, RunningOther(name, slot), ct).ConfigureAwait(false);
                if (fallback is not null && fallback != sha256)
                {
                    await _provider.ActivateAsync(name, fallback, ct).ConfigureAwait(false);
                }

                return notHealthy;
            }

            Report(state, name, "stopping the old process");
            await _provider.StopAsync(name, slot, ct).ConfigureAwait(false);
        }

        Report(state, name, "healthy, monitoring");
        return await MonitorAsync(name, slot, strategy, ct).ConfigureAwait(false);
    }

    private int? RunningOther(string name, int slot)
    {
        foreach (var s in _provider.RunningSlots(name))
        {
            if (s != slot)
            {
                return s;
            }
        }

        return null;
    }

    private async Task<string?> WaitHealthyAsync(string name, int slot, RolloutStrategy strategy, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            if (await _provider.IsHealthyAsync(name, slot, ct).ConfigureAwait(false))
            {
                return null;
            }

            if (!_provider.RunningSlots(name).Contains(slot))
            {
                return $"the process exited before it became healthy (see {_provider.DescribeSlot(name, slot)})";
            }

            if (_time.GetElapsedTime(started) >= strategy.HealthTimeout)
            {
                return $"not healthy within {strategy.HealthTimeout.TotalSeconds:0.###} s";
            }

            await Task.Delay(strategy.HealthInterval, _time, ct).ConfigureAwait(false);
        }
    }

    private async Task<string?> MonitorAsync(string name, int slot, RolloutStrategy strategy, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            var elapsed = _time.GetElapsedTime(started);
            if (!await _provider.IsHealthyAsync(name, slot, ct).ConfigureAwait(false))
            {
                return $"became unhealthy {elapsed.TotalSeconds:0.###} s into its monitor window";
            }

            if (elapsed >= strategy.Monitor)
            {
                return null;
            }

            var wait = strategy.Monitor - elapsed;
            await Task.Delay(wait < strategy.HealthInterval ? wait : strategy.HealthInterval, _time, ct).ConfigureAwait(false);
        }
    }

    private void KeepArtifact(VerifiedArtifact verified)
    {
        var dir = Path.Combine(_stateDirectory, "artifacts");
        Directory.CreateDirectory(dir);
        var kept = Path.Combine(dir, verified.Sha256);
        var bytes = File.ReadAllBytes(verified.LocalPath);
        if (bytes.LongLength != verified.Length || !ReleaseManifest.HashEquals(Convert.ToHexStringLower(SHA256.HashData(bytes)), verified.Sha256))
        {
            throw new LengthOrHashMismatchException($"artifact {ErrorText.Untrusted(verified.TargetPath)} does not match its verified length and sha256");
        }

        // A target named .tar.gz that is not one is refused here, once, before any instance is touched.
        if (verified.IsArchive && ReleaseStore.FindArchiveProblem(bytes) is { } problem)
        {
            throw new RolloutException($"{ErrorText.Untrusted(verified.TargetPath)} is named like a .tar.gz but {problem}; nothing was changed");
        }

        DurableFile.Write(kept, bytes);
    }

    private void CheckOrderSupported(RolloutSettings settings)
    {
        if (settings.Update.Order == UpdateOrder.StartFirst || settings.Rollback.Order == UpdateOrder.StartFirst)
        {
            var single = _provider.Instances.Where(i => _provider.SlotCount(i) < 2).ToList();
            if (single.Count > 0)
            {
                throw new RolloutException($"start-first needs two port slots per instance (\"ports\": [a, b]); {string.Join(", ", single)} have one");
            }
        }
    }

    private FileStream Lock()
    {
        Directory.CreateDirectory(_stateDirectory);
        try
        {
            return new FileStream(Path.Combine(_stateDirectory, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new RolloutException("another rollout process is working on this group", ex);
        }
    }

    private void Report(RolloutState state, string? instance, string message) => _onProgress?.Invoke(new RolloutProgress(state, instance, message));

    /// <summary>A one-line summary of a finished state.</summary>
    public static string Describe(RolloutState state) => state.Phase switch
    {
        RolloutPhase.Completed when state.Count(InstanceState.Failed) == 0 => $"rollout completed: {state.Instances.Length} instance(s) updated",
        RolloutPhase.Completed => $"rollout completed with failures: {string.Join(", ", state.Instances.Where(i => i.State == InstanceState.Failed).Select(i => $"{i.Name} ({i.Error})"))}",
        RolloutPhase.Paused or RolloutPhase.RollbackPaused or RolloutPhase.RolledBack => $"{state.Reason}; failed: {FailedList(state)}",
        _ => state.Phase.ToString(),
    };

    private static string FailedList(RolloutState state)
    {
        var failed = state.Instances.Where(i => i.Error is not null).Select(i => $"{i.Name} ({i.Error})").ToList();
        return failed.Count == 0 ? "none" : string.Join(", ", failed);
    }
}
