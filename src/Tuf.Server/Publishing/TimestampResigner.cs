using Microsoft.Extensions.Options;
using Tuf.Server.Storage;

namespace Tuf.Server.Publishing;

/// <summary>
/// Re-signs timestamps (and server-managed snapshots) before they expire. Across replicas this runs exactly once
/// per due collection: the pass runs under a store-wide lock (a PostgreSQL advisory lock; SQLite has one writer),
/// and each re-sign is an optimistic publish, so even two passes could not both commit on one generation.
/// </summary>
internal sealed partial class TimestampResigner : BackgroundService
{
    /// <summary>The lock name shared by every replica.</summary>
    public const string LockName = "tuf-server:timestamp-resign";

    private readonly ICollectionStore _store;
    private readonly PublishService _publisher;
    private readonly ServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<TimestampResigner> _logger;

    /// <summary>Creates the service.</summary>
    public TimestampResigner(ICollectionStore store, PublishService publisher, IOptions<ServerOptions> options, TimeProvider time, ILogger<TimestampResigner> logger)
    {
        _store = store;
        _publisher = publisher;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>One pass: re-signs every due collection. Returns how many were re-signed (0 when another replica holds the lock).</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        int count = 0;
        await _store.TryRunExclusiveAsync(LockName, async ct =>
        {
            while (true)
            {
                var due = await _store.GetCollectionsExpiringBeforeAsync(_time.GetUtcNow(), 100, ct).ConfigureAwait(false);
                int before = count;
                foreach (var gun in due)
                {
                    try
                    {
                        if (await _publisher.ResignAsync(gun, ct).ConfigureAwait(false))
                        {
                            count++;
                        }
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        LogResignFailed(_logger, gun, e);
                    }
                }

                // Stop when a page made no progress (what is left is failing or not ours to fix).
                if (due.Count < 100 || count == before)
                {
                    return;
                }
            }
        }, cancellationToken).ConfigureAwait(false);
        return count;
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.ResignEnabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.ResignInterval, _time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPassFailed(_logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "Re-signing {Gun} failed")]
    private static partial void LogResignFailed(ILogger logger, string gun, Exception exception);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Timestamp re-sign pass failed")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
