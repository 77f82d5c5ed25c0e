using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Tuf.Server.Observability;
using Tuf.Server.Storage;

namespace Tuf.Server.Publishing;

/// <summary>
/// Validates uploads, adds the server-signed snapshot (for server-managed collections) and timestamp, and
/// commits everything in one store transaction. Also re-signs timestamps (and server snapshots) before expiry.
/// </summary>
internal sealed partial class PublishService
{
    private readonly ICollectionStore _store;
    private readonly ServerKeyService _keys;
    private readonly ServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ServerMetrics _metrics;
    private readonly ILogger<PublishService> _logger;
    private readonly MetadataCache _cache;
    private readonly Notary.NotaryPublisher _notary;

    /// <summary>Creates the service.</summary>
    public PublishService(ICollectionStore store, MetadataCache cache, ServerKeyService keys, IOptions<ServerOptions> options, TimeProvider time, ServerMetrics metrics, ILogger<PublishService> logger)
    {
        _store = store;
        _cache = cache;
        _keys = keys;
        _options = options.Value;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _notary = new Notary.NotaryPublisher(keys, _options);
    }

    /// <summary>Publishes an upload.</summary>
    /// <exception cref="ApiException">Rejected (4xx) or lost a race (409); the collection is unchanged.</exception>
    public async Task<PublishResult> PublishAsync(string gun, IReadOnlyList<UploadedFile> files, IReadOnlyList<UploadedTarget> targets, CancellationToken cancellationToken)
    {
        try
        {
            var result = await PublishCoreAsync(gun, files, targets, cancellationToken).ConfigureAwait(false);
            _metrics.Published();
            if (_logger.IsEnabled(LogLevel.Information))
            {
                var versions = string.Join(", ", result.Versions.Select(v => $"{v.Key} v{v.Value}"));
                LogPublished(_logger, gun, versions);
            }
            return result;
        }
        catch (ApiException e)
        {
            if (e.StatusCode == StatusCodes.Status409Conflict)
            {
                _metrics.Conflict();
            }

            _metrics.Rejected(e.Code);
            LogRejected(_logger, gun, e.Code);
            throw;
        }
    }

    private async Task<PublishResult> PublishCoreAsync(string gun, IReadOnlyList<UploadedFile> files, IReadOnlyList<UploadedTarget> targets, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var state = await _store.GetStateAsync(gun, cancellationToken).ConfigureAwait(false);
        if (await IsNotaryAsync(gun, state, files, cancellationToken).ConfigureAwait(false))
        {
            if (targets.Count > 0)
            {
                throw ApiException.BadRequest(ErrorCodes.BadRequest, "A Notary collection does not host target content: upload metadata only.");
            }

            var (notaryFiles, notaryDue) = await _notary.PrepareAsync(gun, state, LoaderFor(gun, state), files, now, cancellationToken).ConfigureAwait(false);
            await CommitAsync(new PublishBatch
            {
                Gun = gun,
                ExpectedGeneration = state?.Generation ?? 0,
                Files = notaryFiles,
                ResignDue = notaryDue,
                CreatedAt = now,
            }, cancellationToken).ConfigureAwait(false);
            return new PublishResult(notaryFiles.ToDictionary(f => f.Role, f => f.Version, StringComparer.Ordinal));
        }

        var context = new PublishContext
        {
            Gun = gun,
            State = state,
            Now = now,
            LoadCurrentAsync = LoaderFor(gun, state),
            ServerTimestampKeyIds = await _keys.GetKeyIdsAsync(gun, Timestamp.TypeName, cancellationToken).ConfigureAwait(false),
            ServerSnapshotKeyIds = await _keys.GetKeyIdsAsync(gun, Snapshot.TypeName, cancellationToken).ConfigureAwait(false),
        };
        var validated = await PublishValidator.ValidateAsync(context, files, targets, cancellationToken).ConfigureAwait(false);

        var written = validated.Files.Select(f => new NewMetadata(f.Role, f.Version, f.Data)).ToList();
        DateTimeOffset resignDue;
        (long Version, byte[] Data)? snapshot = validated.UploadedSnapshot is null ? null : (validated.UploadedSnapshotVersion, validated.UploadedSnapshot);
        if (validated.SnapshotManaged)
        {
            snapshot = await BuildSnapshotAsync(gun, state, validated.TrustedRoot, validated.TargetsRoleVersions, now, cancellationToken).ConfigureAwait(false);
            written.Add(new NewMetadata(Snapshot.TypeName, snapshot.Value.Version, snapshot.Value.Data));
        }

        var timestamp = await BuildTimestampAsync(gun, state, validated.TrustedRoot, snapshot, now, cancellationToken).ConfigureAwait(false);
        written.Add(new NewMetadata(Timestamp.TypeName, timestamp.Version, timestamp.Data));
        resignDue = now + _options.TimestampExpiry - _options.ResignWindow;
        if (validated.SnapshotManaged)
        {
            var snapshotDue = now + _options.SnapshotExpiry - _options.ResignWindow;
            resignDue = snapshotDue < resignDue ? snapshotDue : resignDue;
        }

        await CommitAsync(new PublishBatch
        {
            Gun = gun,
            ExpectedGeneration = state?.Generation ?? 0,
            Files = written,
            Targets = validated.Targets,
            ResignDue = resignDue,
            CreatedAt = now,
        }, cancellationToken).ConfigureAwait(false);

        return new PublishResult(written.ToDictionary(f => f.Role, f => f.Version, StringComparer.Ordinal));
    }

    /// <summary>
    /// Re-signs the timestamp of a collection (and its server-managed snapshot when that is due too).
    /// Returns false when the collection is gone, not due, or another writer got there first.
    /// </summary>
    public async Task<bool> ResignAsync(string gun, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var state = await _store.GetStateAsync(gun, cancellationToken).ConfigureAwait(false);
        if (state is null || !state.Roles.ContainsKey(Root.TypeName))
        {
            return false;
        }

        var load = LoaderFor(gun, state);
        if (await IsNotaryAsync(gun, state, [], cancellationToken).ConfigureAwait(false))
        {
            return await ResignNotaryAsync(gun, state, load, now, cancellationToken).ConfigureAwait(false);
        }

        var root = MetadataParser.Parse<Root>((await load(Root.TypeName, cancellationToken).ConfigureAwait(false))!, "current root.json").Signed;
        var timestampBytes = await load(Timestamp.TypeName, cancellationToken).ConfigureAwait(false);
        var snapshotBytes = await load(Snapshot.TypeName, cancellationToken).ConfigureAwait(false);
        var timestampDue = timestampBytes is null || MetadataParser.Parse<Timestamp>(timestampBytes, "current timestamp.json").Signed.Expires - _options.ResignWindow <= now;

        var serverSnapshotKeys = await _keys.GetKeyIdsAsync(gun, Snapshot.TypeName, cancellationToken).ConfigureAwait(false);
        var snapshotManaged = root.Roles[Snapshot.TypeName].KeyIds.Any(serverSnapshotKeys.Contains);
        var snapshotDue = snapshotManaged && (snapshotBytes is null || MetadataParser.Parse<Snapshot>(snapshotBytes, "current snapshot.json").Signed.Expires - _options.ResignWindow <= now);
        if (!timestampDue && !snapshotDue)
        {
            return false;
        }

        var written = new List<NewMetadata>();
        (long Version, byte[] Data)? snapshot = null;
        var resignDue = now + _options.TimestampExpiry - _options.ResignWindow;
        if (snapshotDue)
        {
            var versions = state.Roles.Where(r => r.Key is not Root.TypeName and not Snapshot.TypeName and not Timestamp.TypeName)
                .ToDictionary(r => r.Key, r => r.Value.Version, StringComparer.Ordinal);
            snapshot = await BuildSnapshotAsync(gun, state, root, versions, now, cancellationToken).ConfigureAwait(false);
            written.Add(new NewMetadata(Snapshot.TypeName, snapshot.Value.Version, snapshot.Value.Data));
        }

        if (snapshotManaged)
        {
            var snapshotExpires = snapshotDue ? now + _options.SnapshotExpiry : MetadataParser.Parse<Snapshot>(snapshotBytes!, "current snapshot.json").Signed.Expires;
            var due = snapshotExpires - _options.ResignWindow;
            resignDue = due < resignDue ? due : resignDue;
        }

        var timestamp = await BuildTimestampAsync(gun, state, root, snapshot, now, cancellationToken).ConfigureAwait(false);
        written.Add(new NewMetadata(Timestamp.TypeName, timestamp.Version, timestamp.Data));
        return await CommitResignAsync(gun, state, written, resignDue, now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Commits a re-signed timestamp (and snapshot); false when another writer got there first.</summary>
    private async Task<bool> CommitResignAsync(string gun, CollectionState state, IReadOnlyList<NewMetadata> files, DateTimeOffset resignDue, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await CommitAsync(new PublishBatch
            {
                Gun = gun,
                ExpectedGeneration = state.Generation,
                Files = files,
                ResignDue = resignDue,
                CreatedAt = now,
                Category = "resign",
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.StatusCode == StatusCodes.Status409Conflict)
        {
            return false;
        }

        _metrics.Resigned();
        LogResigned(_logger, gun, files[^1].Version);
        return true;
    }

    /// <summary>
    /// Whether the collection speaks Notary's dialect: fixed by its stored root, or for a new collection by the root
    /// uploaded (see <see cref="Notary.NotaryDialect"/>).
    /// </summary>
    private async Task<bool> IsNotaryAsync(string gun, CollectionState? state, IReadOnlyList<UploadedFile> files, CancellationToken cancellationToken)
    {
        if (state?.Roles.ContainsKey(Root.TypeName) == true)
        {
            var root = await LoaderFor(gun, state)(Root.TypeName, cancellationToken).ConfigureAwait(false);
            return root is not null && Notary.NotaryDialect.IsNotaryRoot(root);
        }

        return files.FirstOrDefault(f => f.Role == Root.TypeName) is { } uploaded && Notary.NotaryDialect.IsNotaryRoot(uploaded.Data);
    }

    private async Task<bool> ResignNotaryAsync(string gun, CollectionState state, Func<string, CancellationToken, Task<byte[]?>> load, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var prepared = await _notary.PrepareResignAsync(gun, state, load, now, cancellationToken).ConfigureAwait(false);
        return prepared is { } resign && await CommitResignAsync(gun, state, resign.Files, resign.ResignDue, now, cancellationToken).ConfigureAwait(false);
    }

    private async Task CommitAsync(PublishBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            await _store.PublishAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (PublishConflictException e)
        {
            throw new ApiException(StatusCodes.Status409Conflict, ErrorCodes.Conflict, e.Message);
        }
        finally
        {
            // Also on failure: a commit whose acknowledgement was lost may still have landed.
            _cache.Invalidate(batch.Gun);
        }
    }

    private Func<string, CancellationToken, Task<byte[]?>> LoaderFor(string gun, CollectionState? state)
        => async (role, ct) =>
        {
            if (state is null || !state.Roles.TryGetValue(role, out var rv))
            {
                return null;
            }

            // Load the exact version the state names, so a concurrent publish cannot mix states.
            return (await _cache.GetVersionAsync(_store, gun, role, rv.Version, ct).ConfigureAwait(false))?.Data;
        };

    private async Task<(long Version, byte[] Data)> BuildSnapshotAsync(string gun, CollectionState? state, Root root, IReadOnlyDictionary<string, long> versions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var signer = await _keys.GetSignerAsync(gun, Snapshot.TypeName, root.Roles[Snapshot.TypeName], cancellationToken).ConfigureAwait(false)
            ?? throw ApiException.BadRequest(ErrorCodes.ServerKeyNotInRoot, "root.json names no snapshot key the server holds.");
        var snapshot = new Snapshot
        {
            Version = (state?.Roles.TryGetValue(Snapshot.TypeName, out var cur) == true ? cur.Version : 0) + 1,
            Expires = Truncate(now + _options.SnapshotExpiry),
        };
        // Every targets role the collection holds stays listed, including roles that no delegator delegates to any
        // more (a named delegation removed, succinct bins replaced). Dropping them would break every client that saw
        // them: the specification's snapshot update step 5.5.5 says "any targets metadata filename that was listed
        // in the trusted snapshot metadata file, if any, MUST continue to be listed in the new snapshot metadata
        // file", and python-tuf's TrustedMetadataSet.update_snapshot raises "New snapshot is missing info for ..."
        // (as does our TrustedMetadataSet.UpdateSnapshot). The format section only requires listing "the top-level
        // targets metadata and all delegated targets metadata"; it does not forbid unreachable roles, and clients
        // never fetch them, because their search (5.6.7) only follows delegations that still exist.
        foreach (var (role, version) in versions.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            snapshot.Meta[role + ".json"] = new MetaFile { Version = version };
        }

        return (snapshot.Version, SignFile(snapshot, signer));
    }

    private async Task<(long Version, byte[] Data)> BuildTimestampAsync(string gun, CollectionState? state, Root root, (long Version, byte[] Data)? newSnapshot, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var signer = await _keys.GetSignerAsync(gun, Timestamp.TypeName, root.Roles[Timestamp.TypeName], cancellationToken).ConfigureAwait(false)
            ?? throw ApiException.BadRequest(ErrorCodes.ServerKeyNotInRoot, "root.json names no timestamp key the server holds.");
        MetaFile meta;
        if (newSnapshot is { } s)
        {
            meta = new MetaFile
            {
                Version = s.Version,
                Length = s.Data.Length,
                Hashes = new Dictionary<string, string>(StringComparer.Ordinal) { ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(s.Data)) },
            };
        }
        else
        {
            var cur = state!.Roles[Snapshot.TypeName];
            meta = new MetaFile
            {
                Version = cur.Version,
                Length = cur.Length,
                Hashes = new Dictionary<string, string>(StringComparer.Ordinal) { ["sha256"] = cur.Sha256 },
            };
        }

        var timestamp = new Timestamp
        {
            Version = (state?.Roles.TryGetValue(Timestamp.TypeName, out var ts) == true ? ts.Version : 0) + 1,
            Expires = Truncate(now + _options.TimestampExpiry),
            SnapshotMeta = meta,
        };
        return (timestamp.Version, SignFile(timestamp, signer));
    }

    private static byte[] SignFile(Signed signed, OnlineKey key)
    {
        var canonical = MetadataWriter.ToCanonicalBytes(signed);
        return MetadataWriter.ToFileBytes(signed, [key.Sign(canonical)], MetadataFileFormat.Compact);
    }

    // TUF expiry timestamps are written to whole seconds.
    private static DateTimeOffset Truncate(DateTimeOffset t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Published {Gun}: {Versions}")]
    private static partial void LogPublished(ILogger logger, string gun, string versions);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Rejected publish to {Gun}: {Code}")]
    private static partial void LogRejected(ILogger logger, string gun, string code);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Re-signed timestamp of {Gun} as v{Version}")]
    private static partial void LogResigned(ILogger logger, string gun, long version);
}
