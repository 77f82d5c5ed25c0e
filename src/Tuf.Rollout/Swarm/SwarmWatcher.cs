namespace Tuf.Rollout.Swarm;

/// <summary>
/// Keeps a swarm service converged on the newest verified digest: every interval it refreshes the repository and
/// rolls out a newly signed digest; when the service runs anything but the verified digest (an out-of-band
/// <c>docker service update --image</c>, or a spec naming a moved tag) it logs what it found and pins it back. A
/// repository that stops verifying (e.g. an expired timestamp: a freeze attack) keeps the last verified digest
/// running and is reported at each interval. A digest whose rollout paused or rolled back is not retried until a
/// newer one is signed.
/// </summary>
public sealed class SwarmWatcher
{
    private readonly SwarmRollout _rollout;
    private readonly IVerifiedImageSource _source;
    private readonly string _targetPath;
    private readonly RolloutSettings _settings;
    private readonly TimeProvider _time;
    private readonly Action<string> _log;

    /// <summary>Creates a watcher of one target for one swarm rollout.</summary>
    /// <param name="rollout">The group's rollout.</param>
    /// <param name="source">Resolves the target to its verified digest at each pass.</param>
    /// <param name="targetPath">The TUF target to follow.</param>
    /// <param name="settings">The strategy for each new rollout.</param>
    /// <param name="time">The clock (intervals).</param>
    /// <param name="log">Receives one line per event.</param>
    public SwarmWatcher(SwarmRollout rollout, IVerifiedImageSource source, string targetPath, RolloutSettings settings, TimeProvider time, Action<string> log)
    {
        _rollout = rollout;
        _source = source;
        _targetPath = targetPath;
        _settings = settings;
        _time = time;
        _log = log;
    }

    /// <summary>Runs until cancelled, one pass every <paramref name="interval"/>.</summary>
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

    /// <summary>One pass: resolve, roll out what is new, repair drift.</summary>
    internal async Task PassAsync(CancellationToken cancellationToken)
    {
        VerifiedImage? verified = null;
        try
        {
            verified = await _source.ResolveAsync(_targetPath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TufException or RolloutException)
        {
            var kept = _rollout.Journal?.VerifiedPinned;
            _log($"warning: the repository does not verify ({ex.Message}); keeping {kept ?? "the service as it is"}");
        }

        try
        {
            var journal = _rollout.Journal;
            if (verified is not null && (journal is null || journal.Digest != verified.Digest || journal.Phase == SwarmPhase.Updating))
            {
                _log($"new verified version of {_targetPath}: {verified.Pinned}");
                var outcome = await _rollout.StartAsync(verified, _settings, cancellationToken).ConfigureAwait(false);
                _log(SwarmRollout.Describe(outcome));
                return;
            }

            if (journal is null)
            {
                return;
            }

            var found = await _rollout.RepairDriftAsync(journal, cancellationToken).ConfigureAwait(false);
            if (found is not null)
            {
                _log($"warning: service {journal.Service} ran {found}, not the verified {journal.VerifiedPinned}: pinned it back");
            }
        }
        catch (Exception ex) when (ex is RolloutException or DockerException or TufException)
        {
            _log($"warning: {ex.Message}");
        }
    }
}
