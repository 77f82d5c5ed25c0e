namespace Tuf.Rollout;

/// <summary>What one watch pass did.</summary>
/// <param name="RolledOut">The rollout started in this pass, if a new verified version appeared.</param>
/// <param name="Restarted">Instances whose process had died, or failed its health check on several passes in a row, and was started again.</param>
/// <param name="Repaired">Instances whose live files no longer matched the verified release and were re-installed.</param>
/// <param name="Error">A repository or download error (the group keeps its last good version).</param>
public sealed record WatchPass(RolloutJournal? RolledOut, IReadOnlyList<string> Restarted, IReadOnlyList<string> Repaired, string? Error);

/// <summary>
/// Self-healing watch mode: keeps a group converged on the newest verified version of a target. Each pass resumes an
/// interrupted rollout, asks the repository for the newest verified bytes (a repository error keeps the last good
/// version and is retried next pass, never hot-looped), rolls a new version out with the strategy, restarts instances
/// whose process died or whose health check failed on <see cref="UnhealthyPassesBeforeRestart"/> passes in a row (as
/// a Docker health check turns a container unhealthy after its retries and Swarm replaces it), and re-installs
/// instances whose live files no longer match the verified release.
/// A version whose rollout paused or rolled back is not retried until the repository publishes another.
/// </summary>
public sealed class GroupWatcher
{
    private readonly IInstanceProvider _provider;
    private readonly IVerifiedArtifactSource _source;
    private readonly string _targetPath;
    private readonly RolloutSettings _settings;
    private readonly RepositorySource? _repository;
    private readonly RollingUpdater _updater;
    private readonly TimeProvider _time;
    private readonly Action<RolloutProgress>? _onProgress;
    private readonly Action<string>? _log;
    private readonly Dictionary<string, int> _unhealthyPasses = new(StringComparer.Ordinal);
    private string? _rejectedSha256;

    /// <summary>Consecutive passes an instance's running process must fail its health check before it is restarted.</summary>
    public const int UnhealthyPassesBeforeRestart = 3;

    /// <summary>Creates a watcher of one target for one group.</summary>
    /// <param name="provider">The group's instances.</param>
    /// <param name="source">Where verified bytes of the target come from at each pass.</param>
    /// <param name="targetPath">The TUF target to follow.</param>
    /// <param name="settings">The strategy for each rollout.</param>
    /// <param name="repository">The repository (recorded in journals), if any.</param>
    /// <param name="stateDirectory">The group's state folder (journal, releases).</param>
    /// <param name="time">The clock (the system's when null).</param>
    /// <param name="onProgress">Receives rollout progress.</param>
    /// <param name="log">Receives one line per watch event.</param>
    public GroupWatcher(
        IInstanceProvider provider,
        IVerifiedArtifactSource source,
        string targetPath,
        RolloutSettings settings,
        RepositorySource? repository,
        string stateDirectory,
        TimeProvider? time = null,
        Action<RolloutProgress>? onProgress = null,
        Action<string>? log = null)
    {
        settings.Validate();
        _provider = provider;
        _source = source;
        _targetPath = targetPath;
        _settings = settings;
        _repository = repository;
        _time = time ?? TimeProvider.System;
        _onProgress = onProgress;
        _log = log;
        _updater = new RollingUpdater(provider, stateDirectory, _time, onProgress);
    }

    /// <summary>Runs passes every <paramref name="interval"/> until cancelled.</summary>
    /// <param name="interval">Time between passes.</param>
    /// <param name="cancellationToken">Stops the watch.</param>
    /// <returns>Never completes but by cancellation.</returns>
    public async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        while (true)
        {
            await PassAsync(cancellationToken).ConfigureAwait(false);
            await Task.Delay(interval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One pass: resume, poll the repository, roll out, heal.</summary>
    /// <param name="cancellationToken">Cancels the pass.</param>
    /// <returns>What the pass did.</returns>
    public async Task<WatchPass> PassAsync(CancellationToken cancellationToken = default)
    {
        var journal = _updater.ReadJournal();
        if (journal is { State.IsTerminal: false })
        {
            _log?.Invoke($"resuming the interrupted rollout of {journal.TargetPath}");
            journal = await _updater.ResumeAsync(cancellationToken).ConfigureAwait(false);
        }

        RolloutJournal? rolledOut = null;
        string? error = null;
        try
        {
            var artifact = await _source.ResolveAsync(_targetPath, cancellationToken).ConfigureAwait(false);
            // New version, or the same completed version with instances not on it (e.g. added to the group). A version the
            // operator rolled back, or whose rollout failed, stays as it is.
            var behind = _provider.Instances.Any(i => _provider.GetInstalled(i) != artifact.Sha256);
            var isNew = journal is null || journal.Sha256 != artifact.Sha256 || (behind && journal.State.Phase == RolloutPhase.Completed);
            if (isNew && artifact.Sha256 != _rejectedSha256)
            {
                _log?.Invoke($"new verified version of {_targetPath}: {artifact.Sha256[..12]}");
                rolledOut = journal = await _updater.StartAsync(artifact, _settings, _repository, cancellationToken).ConfigureAwait(false);
                if (journal.State.Phase != RolloutPhase.Completed || journal.State.Count(InstanceState.Failed) > 0)
                {
                    _rejectedSha256 = artifact.Sha256;
                    _log?.Invoke($"{RollingUpdater.Describe(journal.State)}; not retrying {artifact.Sha256[..12]} until a newer version is published");
                }
            }
        }
        catch (Exception ex) when (ex is TufException or IOException or InvalidDataException or HttpRequestException)
        {
            error = ex.Message;
            _log?.Invoke($"repository check failed, keeping the last good version: {ex.Message}");
        }

        var (restarted, repaired) = await HealAsync(journal, cancellationToken).ConfigureAwait(false);
        return new WatchPass(rolledOut, restarted, repaired, error);
    }

    private async Task<(List<string> Restarted, List<string> Repaired)> HealAsync(RolloutJournal? journal, CancellationToken cancellationToken)
    {
        var restarted = new List<string>();
        var repaired = new List<string>();
        var failed = journal?.State.Instances.Where(i => i.State is InstanceState.Failed or InstanceState.RollbackFailed).Select(i => i.Name).ToHashSet(StringComparer.Ordinal)
            ?? [];
        var strategy = _settings.Update;
        foreach (var name in _provider.Instances)
        {
            if (failed.Contains(name) || _provider.GetInstalled(name) is not { } installed)
            {
                continue; // a failed instance is the operator's call; an empty one has nothing to run
            }

            try
            {
                if (_provider.FindInstalledMismatch(name) is { } mismatch)
                {
                    var artifact = new VerifiedArtifact(journal?.Sha256 == installed ? journal.TargetPath : _targetPath,
                        Path.Combine(_updater.StateDirectory, "artifacts", installed), -1, installed);
                    if (!File.Exists(artifact.LocalPath))
                    {
                        _log?.Invoke($"{name}: {mismatch}, but the verified artifact {installed[..12]} is not kept here; cannot repair");
                        continue;
                    }

                    _log?.Invoke($"{name}: {mismatch}; re-installing the verified release");
                    await _provider.StopAsync(name, null, cancellationToken).ConfigureAwait(false);
                    await _provider.PrepareAsync(name, artifact with { Length = new FileInfo(artifact.LocalPath).Length }, cancellationToken).ConfigureAwait(false);
                    await _provider.ActivateAsync(name, installed, cancellationToken).ConfigureAwait(false);
                    await StartAndWaitAsync(name, strategy, cancellationToken).ConfigureAwait(false);
                    repaired.Add(name);
                    Report(journal, name, "repaired");
                }
                else if (_provider.RunningSlots(name) is { Count: 0 })
                {
                    _log?.Invoke($"{name}: process is not running; restarting");
                    _unhealthyPasses.Remove(name);
                    await StartAndWaitAsync(name, strategy, cancellationToken).ConfigureAwait(false);
                    restarted.Add(name);
                    Report(journal, name, "restarted");
                }
                else if (await IsUnhealthyAsync(name, cancellationToken).ConfigureAwait(false))
                {
                    int passes = _unhealthyPasses[name] = _unhealthyPasses.GetValueOrDefault(name) + 1;
                    if (passes < UnhealthyPassesBeforeRestart)
                    {
                        _log?.Invoke($"{name}: health check failed ({passes} of {UnhealthyPassesBeforeRestart} passes before a restart)");
                        continue;
                    }

                    _log?.Invoke($"{name}: unhealthy on {passes} passes in a row; restarting");
                    _unhealthyPasses.Remove(name);
                    await _provider.StopAsync(name, null, cancellationToken).ConfigureAwait(false);
                    await StartAndWaitAsync(name, strategy, cancellationToken).ConfigureAwait(false);
                    restarted.Add(name);
                    Report(journal, name, "restarted (unhealthy)");
                }
                else
                {
                    _unhealthyPasses.Remove(name);
                }
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or InvalidDataException or TufException)
            {
                _log?.Invoke($"{name}: could not heal: {ex.Message}");
            }
        }

        return (restarted, repaired);
    }

    /// <summary>Whether any running process of the instance fails its health check now.</summary>
    private async Task<bool> IsUnhealthyAsync(string name, CancellationToken cancellationToken)
    {
        foreach (int slot in _provider.RunningSlots(name))
        {
            if (!await _provider.IsHealthyAsync(name, slot, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }

        return false;
    }

    private async Task StartAndWaitAsync(string name, RolloutStrategy strategy, CancellationToken cancellationToken)
    {
        var slot = await _provider.StartAsync(name, cancellationToken).ConfigureAwait(false);
        var started = _time.GetTimestamp();
        while (!await _provider.IsHealthyAsync(name, slot, cancellationToken).ConfigureAwait(false))
        {
            if (_time.GetElapsedTime(started) > strategy.HealthTimeout || !_provider.RunningSlots(name).Contains(slot))
            {
                _log?.Invoke($"{name}: restarted but not healthy");
                return;
            }

            await Task.Delay(strategy.HealthInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Report(RolloutJournal? journal, string name, string message)
    {
        if (journal is not null)
        {
            _onProgress?.Invoke(new RolloutProgress(journal.State, name, message));
        }
    }
}
