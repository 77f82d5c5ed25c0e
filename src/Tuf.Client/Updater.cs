using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tuf.Internal;

namespace Tuf.Client;

/// <summary>
/// The TUF client: refreshes trusted metadata from a repository (the specification's detailed client workflow),
/// finds targets through delegations and downloads them verified. All trust decisions are made by an internal
/// state machine; this class does the fetching and the local persistence around it.
/// </summary>
/// <remarks>An instance is not thread-safe; use one per update cycle (or serialize calls). Two processes must not
/// share a metadata directory at the same time: each write is atomic, but interleaved refreshes are not.</remarks>
/// <example>
/// <code>
/// using var updater = new Updater("/var/lib/app/tuf", new Uri("https://example.com/metadata/"),
///     "/var/lib/app/targets", new Uri("https://example.com/targets/"), bootstrapRoot: File.ReadAllBytes("root.json"));
/// await updater.RefreshAsync(ct);
/// var info = await updater.GetTargetInfoAsync("app/v2.tar.gz", ct) ?? throw new InvalidOperationException("no such target");
/// string path = await updater.FindCachedTargetAsync(info, null, ct) ?? await updater.DownloadTargetAsync(info, null, null, ct);
/// </code>
/// </example>
public sealed class Updater : IDisposable
{
    private const string RootRole = Root.TypeName;
    private const string TimestampRole = Timestamp.TypeName;
    private const string SnapshotRole = Snapshot.TypeName;
    private const string TargetsRole = Targets.TypeName;

    private readonly MetadataStore _store;
    private readonly Uri _metadataBaseUrl;
    private readonly string? _targetDirectory;
    private readonly Uri? _targetBaseUrl;
    private readonly byte[]? _bootstrapRoot;
    private readonly IFetcher _fetcher;
    private readonly bool _ownsFetcher;
    private readonly UpdaterOptions _options;
    private readonly ILogger _logger;
    private TrustedMetadataSet? _trusted;

    /// <summary>Creates an updater. Nothing is read or fetched until <see cref="RefreshAsync"/>.</summary>
    /// <param name="metadataDirectory">Where trusted metadata is kept (<c>root.json</c>, <c>timestamp.json</c>, ...).</param>
    /// <param name="metadataBaseUrl">The repository's metadata URL.</param>
    /// <param name="targetDirectory">Where targets are stored by default.</param>
    /// <param name="targetBaseUrl">The repository's targets URL (default for <see cref="DownloadTargetAsync"/>).</param>
    /// <param name="bootstrapRoot">The trusted root to start from when <paramref name="metadataDirectory"/> has no <c>root.json</c> yet.</param>
    /// <param name="fetcher">How files are fetched; an <see cref="HttpFetcher"/> by default.</param>
    /// <param name="options">Limits and settings; defaults when null.</param>
    /// <param name="logger">Where to log.</param>
    public Updater(
        string metadataDirectory,
        Uri metadataBaseUrl,
        string? targetDirectory = null,
        Uri? targetBaseUrl = null,
        byte[]? bootstrapRoot = null,
        IFetcher? fetcher = null,
        UpdaterOptions? options = null,
        ILogger<Updater>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(metadataDirectory);
        ArgumentNullException.ThrowIfNull(metadataBaseUrl);
        _options = options ?? new UpdaterOptions();
        _options.Validate();
        _store = new MetadataStore(metadataDirectory);
        _metadataBaseUrl = WithTrailingSlash(metadataBaseUrl);
        _targetDirectory = targetDirectory is null ? null : Path.GetFullPath(targetDirectory);
        _targetBaseUrl = targetBaseUrl is null ? null : WithTrailingSlash(targetBaseUrl);
        _bootstrapRoot = bootstrapRoot;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        if (fetcher is null)
        {
            _fetcher = new HttpFetcher(_options);
            _ownsFetcher = true;
        }
        else
        {
            _fetcher = fetcher;
        }
    }

    /// <summary>The trusted root after the last refresh, or null before.</summary>
    public Root? TrustedRoot => _trusted?.Root;

    /// <summary>The trusted top-level targets metadata after the last refresh, or null before.</summary>
    public Targets? TrustedTargets => _trusted?.Targets;

    /// <summary>
    /// Runs the client workflow for the top-level roles: the root chain (5.3), timestamp (5.4), snapshot (5.5) and
    /// targets (5.6), with one reference time. Cached metadata is used where it is still valid as final.
    /// </summary>
    /// <param name="cancellationToken">Cancels the refresh.</param>
    /// <returns>A task that completes when trusted metadata is current.</returns>
    /// <exception cref="RepositoryException">The repository served something that must not be trusted.</exception>
    /// <exception cref="DownloadException">A file could not be fetched.</exception>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        _trusted = null;

        // 5.1: record the time the update starts; every expiry check of this cycle uses it.
        var referenceTime = _options.TimeProvider.GetUtcNow();
        var trusted = LoadTrustedRoot(referenceTime);
        await UpdateRootChainAsync(trusted, cancellationToken).ConfigureAwait(false);

        // 5.3.10: the final root must not be expired; nothing more is fetched on its word.
        trusted.CheckFinalRoot();

        // 5.3.11: after a rotation of the timestamp or snapshot keys, cached timestamp and snapshot are discarded
        // so that versions fast-forwarded by an attacker holding the old keys cannot block updates.
        if (trusted.TimestampOrSnapshotKeysRotated)
        {
            UpdaterLog.FastForwardRecovery(_logger);
            _store.Delete(TimestampRole);
            _store.Delete(SnapshotRole);
        }

        await UpdateTimestampAsync(trusted, cancellationToken).ConfigureAwait(false);
        await UpdateSnapshotAsync(trusted, cancellationToken).ConfigureAwait(false);
        await LoadTargetsAsync(trusted, TargetsRole, RootRole, cancellationToken).ConfigureAwait(false);
        _trusted = trusted;
    }

    /// <summary>Searches the delegation graph for <paramref name="targetPath"/> (5.6.7), refreshing first if needed.</summary>
    /// <param name="targetPath">The target path, as listed in targets metadata.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The trusted description of the target, or null when no role reached by the search lists it.</returns>
    public async Task<TargetFile?> GetTargetInfoAsync(string targetPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targetPath);
        if (_trusted is null)
        {
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }

        return await PreorderDepthFirstSearchAsync(_trusted!, targetPath, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The local path of a verified copy of the target, or null when there is none.</summary>
    /// <param name="info">The trusted target description.</param>
    /// <param name="filePath">Where the copy is expected; by default a file in the target directory named after the target path.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The path when the file exists with the listed length and hashes.</returns>
    public Task<string?> FindCachedTargetAsync(TargetFile info, string? filePath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        cancellationToken.ThrowIfCancellationRequested();
        string path = filePath ?? DefaultTargetPath(info);
        return Task.FromResult(StreamingVerifier.FileMatches(path, info) ? path : null);
    }

    /// <summary>
    /// Downloads a target (5.7), streaming it to a temp file while hashing, and moves it into place only after its
    /// length and every listed hash matched.
    /// </summary>
    /// <param name="info">The trusted target description (from <see cref="GetTargetInfoAsync"/>).</param>
    /// <param name="filePath">Where to store it; by default a file in the target directory named after the target path.</param>
    /// <param name="targetBaseUrl">Where to download from; by default the target base URL given at construction.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>The local path of the verified bytes.</returns>
    public async Task<string> DownloadTargetAsync(TargetFile info, string? filePath, Uri? targetBaseUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        var baseUrl = targetBaseUrl is null ? _targetBaseUrl : WithTrailingSlash(targetBaseUrl);
        if (baseUrl is null)
        {
            throw new InvalidOperationException("No target base URL: pass one here or to the constructor");
        }

        if (_trusted is null)
        {
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }

        string path = filePath is null ? DefaultTargetPath(info) : Path.GetFullPath(filePath);
        var uri = TargetUri(baseUrl, info, _trusted!.Root.ConsistentSnapshot && _options.PrefixTargetsWithHash);
        string? directory = Path.GetDirectoryName(path);
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        string temp = DurableFile.TempPathFor(path);
        try
        {
            // The stream is cut off past the signed length whatever the fetcher does, and every byte written is
            // counted and hashed first (5.7.3): nothing beyond the signed length ever reaches the disk.
            var body = await OpenAsync(uri, info.Length, cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                using var verifier = StreamingVerifier.For(info);
                var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
                await using (file.ConfigureAwait(false))
                {
                    byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
                    try
                    {
                        int read;
                        while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                        {
                            verifier.Append(buffer.AsSpan(0, read));
                            file.Write(buffer, 0, read);
                        }
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }

                    // 5.7.3: the length and all listed hashes must match before the file is kept.
                    verifier.Verify();
                }
            }

            // Targets are not fsync'ed: a cached target is re-verified against trusted metadata before every use,
            // so a file torn by a crash is simply downloaded again.
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            DurableFile.TryDelete(temp);
            throw;
        }

        UpdaterLog.TargetDownloaded(_logger, info.Path, uri);
        return path;
    }

    /// <summary>
    /// Finds <paramref name="targetPath"/> and returns a verified local copy, downloading it only when no verified copy is present.
    /// </summary>
    /// <param name="targetPath">The target path.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The verified target.</returns>
    /// <exception cref="TargetNotFoundException">No trusted metadata lists the target.</exception>
    public async Task<VerifiedTarget> DownloadVerifiedAsync(string targetPath, CancellationToken cancellationToken)
    {
        var info = await GetTargetInfoAsync(targetPath, cancellationToken).ConfigureAwait(false)
            ?? throw TargetNotFoundException.For(targetPath);
        string? cached = await FindCachedTargetAsync(info, null, cancellationToken).ConfigureAwait(false);
        if (cached is not null)
        {
            return new VerifiedTarget(info, cached, Downloaded: false);
        }

        string path = await DownloadTargetAsync(info, null, null, cancellationToken).ConfigureAwait(false);
        return new VerifiedTarget(info, path, Downloaded: true);
    }

    /// <summary>Disposes the fetcher when this updater created it.</summary>
    public void Dispose()
    {
        if (_ownsFetcher && _fetcher is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    private TrustedMetadataSet LoadTrustedRoot(DateTimeOffset referenceTime)
    {
        // 5.2: load the trusted root; a bootstrap root is used (and then stored) only when none is stored yet.
        byte[]? local = _store.TryRead(RootRole, MetadataCap(null, _options.RootMaxLength));
        if (local is not null)
        {
            try
            {
                return new TrustedMetadataSet(local, referenceTime);
            }
            catch (RepositoryException ex)
            {
                string path = _store.PathOf(RootRole);
                throw new TrustedRootException($"the trusted root {path} cannot be used: {ex.Message}", ex) { Path = path, Reason = ex.Message };
            }
        }

        if (_bootstrapRoot is null)
        {
            throw new FileNotFoundException($"no trusted root: {_store.PathOf(RootRole)} does not exist and no bootstrap root was given");
        }

        TrustedMetadataSet trusted;
        try
        {
            trusted = new TrustedMetadataSet(_bootstrapRoot, referenceTime);
        }
        catch (RepositoryException ex)
        {
            throw new TrustedRootException($"the bootstrap root cannot be used: {ex.Message}", ex) { Reason = ex.Message };
        }

        Directory.CreateDirectory(_store.Directory);
        _store.Write(RootRole, _bootstrapRoot);
        return trusted;
    }

    private async Task UpdateRootChainAsync(TrustedMetadataSet trusted, CancellationToken cancellationToken)
    {
        // 5.3.2 to 5.3.9: fetch N+1.root.json until the repository has no newer one, at most MaxRootRotations times.
        // 5.3.8 (persist): the newest verified root is written once when the walk ends, also when it ends with an
        // error; a crash before that leaves an older trusted root, from which the same chain is simply walked again.
        byte[]? newest = null;
        try
        {
            for (int i = 0; i < _options.MaxRootRotations; i++)
            {
                long next = trusted.Root.Version + 1;
                var uri = MetadataUri(RootRole, next);
                byte[] data;
                try
                {
                    data = await FetchAsync(uri, MetadataCap(null, _options.RootMaxLength), cancellationToken).ConfigureAwait(false);
                }
                catch (DownloadHttpException ex) when (ex.StatusCode is 403 or 404)
                {
                    UpdaterLog.RootChainEnd(_logger, trusted.Root.Version, uri, ex.StatusCode);
                    break;
                }

                trusted.UpdateRoot(data);
                newest = data;
            }
        }
        finally
        {
            if (newest is not null)
            {
                _store.Write(RootRole, newest);
                UpdaterLog.RootUpdated(_logger, trusted.Root.Version);
            }
        }
    }

    private async Task UpdateTimestampAsync(TrustedMetadataSet trusted, CancellationToken cancellationToken)
    {
        // A cached timestamp is loaded through the same checks; even if it is expired it stays as the base of the
        // rollback check of the new one (5.4.3).
        byte[]? local = _store.TryRead(TimestampRole, MetadataCap(null, _options.TimestampMaxLength));
        if (local is not null)
        {
            try
            {
                trusted.UpdateTimestamp(local);
            }
            catch (RepositoryException ex)
            {
                UpdaterLog.LocalNotUsable(_logger, TimestampRole, ex.Message);
            }
        }

        // 5.4.1: the timestamp is always fetched under its fixed name.
        byte[] data = await FetchAsync(MetadataUri(TimestampRole, null), MetadataCap(null, _options.TimestampMaxLength), cancellationToken).ConfigureAwait(false);
        if (trusted.UpdateTimestamp(data) == TimestampUpdate.Unchanged)
        {
            UpdaterLog.TimestampUnchanged(_logger, trusted.Timestamp!.Version);
            return;
        }

        // 5.4.5: persist the new trusted timestamp.
        _store.Write(TimestampRole, data);
        UpdaterLog.RoleUpdated(_logger, TimestampRole, trusted.Timestamp!.Version);
    }

    private async Task UpdateSnapshotAsync(TrustedMetadataSet trusted, CancellationToken cancellationToken)
    {
        byte[]? local = _store.TryRead(SnapshotRole, MetadataCap(trusted.Timestamp!.SnapshotMeta.Length, _options.SnapshotMaxLength));
        if (local is not null)
        {
            try
            {
                trusted.UpdateSnapshot(local, isTrustedLocalCopy: true);
                UpdaterLog.LocalValid(_logger, SnapshotRole);
                return;
            }
            catch (RepositoryException ex)
            {
                UpdaterLog.LocalNotUsable(_logger, SnapshotRole, ex.Message);
            }
        }

        // 5.5.1: fetch the snapshot the timestamp names, bounded by its listed length if any.
        var meta = trusted.Timestamp!.SnapshotMeta;
        long maxLength = MetadataCap(meta.Length, _options.SnapshotMaxLength);
        long? version = trusted.Root.ConsistentSnapshot ? meta.Version : null;
        byte[] data = await FetchAsync(MetadataUri(SnapshotRole, version), maxLength, cancellationToken).ConfigureAwait(false);
        trusted.UpdateSnapshot(data);

        // 5.5.7: persist the new trusted snapshot.
        _store.Write(SnapshotRole, data);
        UpdaterLog.RoleUpdated(_logger, SnapshotRole, trusted.Snapshot!.Version);
    }

    private async Task<Targets> LoadTargetsAsync(TrustedMetadataSet trusted, string roleName, string delegatorName, CancellationToken cancellationToken)
    {
        // Loaded already in this cycle: trusted only through this delegation (verified again if it was loaded through another).
        if (trusted.TryGetTargets(roleName, delegatorName, out var loaded))
        {
            return loaded;
        }

        // The snapshot names the version (and maybe the length) of every targets role: a local copy is read, and a
        // new one fetched, with the same bound, so an unchanged large role is not downloaded again on every refresh.
        if (!trusted.Snapshot!.Meta.TryGetValue(roleName + ".json", out var meta))
        {
            throw new RepositoryException($"role {ErrorText.Untrusted(roleName)} is delegated but not listed in snapshot.json");
        }

        long maxLength = MetadataCap(meta.Length, _options.TargetsMaxLength);
        byte[]? local = _store.TryRead(roleName, maxLength);
        if (local is not null)
        {
            try
            {
                var fromCache = trusted.UpdateDelegatedTargets(local, roleName, delegatorName);
                UpdaterLog.LocalValid(_logger, roleName);
                return fromCache;
            }
            catch (RepositoryException ex)
            {
                UpdaterLog.LocalNotUsable(_logger, roleName, ex.Message);
            }
        }

        // 5.6.1: fetch the version the snapshot names, bounded by its listed length if any.
        long? version = trusted.Root.ConsistentSnapshot ? meta.Version : null;
        byte[] data = await FetchAsync(MetadataUri(roleName, version), maxLength, cancellationToken).ConfigureAwait(false);
        var targets = trusted.UpdateDelegatedTargets(data, roleName, delegatorName);

        // 5.6.6: persist the new trusted targets metadata.
        _store.Write(roleName, data);
        UpdaterLog.RoleUpdated(_logger, roleName, targets.Version);
        return targets;
    }

    private async Task<TargetFile?> PreorderDepthFirstSearchAsync(TrustedMetadataSet trusted, string targetPath, CancellationToken cancellationToken)
    {
        // 5.6.7: pre-order depth-first search from the top-level targets, delegations in listed order; the rules
        // (matching paths, visited roles, terminating delegations, the role limit) are Core's DelegationSearch, the
        // same the server's publish validation and the signer follow.
        var search = new DelegationSearch(targetPath, DelegationLink.TopLevel(trusted.Root), _options.MaxDelegations);
        while (search.Next() is { } link)
        {
            var targets = await LoadTargetsAsync(trusted, link.RoleName, link.Delegator, cancellationToken).ConfigureAwait(false);

            // 5.6.7.1: this role lists the target: done.
            if (targets.TargetFiles.TryGetValue(targetPath, out var target))
            {
                return target;
            }

            search.Expand(targets);
        }

        if (search.LimitReached)
        {
            UpdaterLog.DelegationLimit(_logger, search.Pending, _options.MaxDelegations);
        }

        return null;
    }

    /// <summary>The most bytes accepted for a metadata file whose length the trusted metadata lists as
    /// <paramref name="listed"/> (the default cap when it lists none), never more than <see cref="UpdaterOptions.MaxMetadataLength"/>.</summary>
    private long MetadataCap(long? listed, long defaultCap)
    {
        long cap = listed ?? defaultCap;
        return _options.MaxMetadataLength is { } hard ? Math.Min(cap, hard) : cap;
    }

    private async Task<byte[]> FetchAsync(Uri uri, long maxLength, CancellationToken cancellationToken)
    {
        UpdaterLog.Fetching(_logger, uri, maxLength);
        var stream = await OpenAsync(uri, maxLength, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await stream.ReadAllAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<GuardedStream> OpenAsync(Uri uri, long maxLength, CancellationToken cancellationToken) =>
        GuardedFetch.OpenAsync(_fetcher, uri, maxLength, _options, cancellationToken);

    private Uri MetadataUri(string roleName, long? version)
    {
        string quoted = SafeNames.Quote(roleName);
        string name = version is { } v ? $"{v}.{quoted}.json" : $"{quoted}.json";
        return new Uri(_metadataBaseUrl, name);
    }

    internal static Uri TargetUri(Uri baseUrl, TargetFile info, bool prefixWithHash)
    {
        string path = info.Path;
        if (prefixWithHash)
        {
            // 5.7.3: consistent snapshots serve targets as HASH.FILENAME in the target's directory (first listed hash).
            string hash = info.Hashes.Values.First();
            int slash = path.LastIndexOf('/');
            path = slash < 0 ? $"{hash}.{path}" : $"{path[..(slash + 1)]}{hash}.{path[(slash + 1)..]}";
        }

        // Each segment is percent-encoded and "." / ".." segments are encoded too, so a target path can never
        // leave the target base URL (no dot-segment removal, no absolute path, no query or fragment).
        var escaped = string.Join('/', path.Split('/').Select(EscapeSegment));
        return new Uri(baseUrl.AbsoluteUri + escaped, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
    }

    private static string EscapeSegment(string segment) => segment switch
    {
        "." => "%2E",
        ".." => "%2E%2E",
        _ => Uri.EscapeDataString(segment),
    };

    private string DefaultTargetPath(TargetFile info)
    {
        if (_targetDirectory is null)
        {
            throw new InvalidOperationException("No target directory: pass a file path or a target directory to the constructor");
        }

        // One file per target path, named by percent-encoding the whole path: no separator, no "..", no absolute path.
        return Path.Combine(_targetDirectory, SafeNames.FileName(info.Path));
    }

    private static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
