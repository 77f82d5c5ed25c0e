using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tuf.Internal;
using Tuf.Notary;

namespace Tuf.Client.Notary;

/// <summary>
/// Reads a collection from a Notary server (Notary v1, Docker Content Trust; a real <c>notary-server</c> or ours) with
/// Notary's client workflow and every check of it: the root trusted on first use (or given), its rotations each signed
/// by the previous root's and its own root certificates (common name = the collection), then timestamp, snapshot and
/// targets, each within its signed length and hashes, signed by a threshold of its role's keys, not expired and not
/// older than what this trust folder saw before; delegations only for the names their path prefixes allow.
/// Verified metadata is kept in <c>TRUSTDIR/GUN/</c> for the next refresh's rollback checks.
/// </summary>
public sealed class NotaryClient : IDisposable
{
    private readonly Uri _base;
    private readonly string _gun;
    private readonly string _dir;
    private readonly NotaryClientOptions _options;
    private readonly IFetcher _fetcher;
    private readonly bool _ownsFetcher;

    /// <summary>Creates a client of one collection.</summary>
    /// <param name="server">The server's base URL (<c>https://notary.example.com</c>).</param>
    /// <param name="gun">The collection's name (e.g. <c>docker.io/library/app</c>).</param>
    /// <param name="trustDirectory">Where trusted metadata is kept, one folder per collection.</param>
    /// <param name="options">Bootstrap and limits; defaults when null.</param>
    /// <param name="fetcher">The transport; HTTP when null.</param>
    /// <exception cref="ArgumentException">The collection name is not a safe relative path.</exception>
    public NotaryClient(Uri server, string gun, string trustDirectory, NotaryClientOptions? options = null, IFetcher? fetcher = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(gun);
        ArgumentNullException.ThrowIfNull(trustDirectory);
        if (TargetPathRule.Problem(gun) is { } problem)
        {
            throw new ArgumentException($"'{ErrorText.Untrusted(gun)}' is not a collection name ({problem})", nameof(gun));
        }

        _gun = gun;
        _options = options ?? new NotaryClientOptions();
        _options.Transport.Validate();
        string root = server.AbsoluteUri.TrimEnd('/');
        _base = new Uri($"{root}/v2/{Escape(gun)}/_trust/tuf/");
        _dir = Path.Combine(Path.GetFullPath(trustDirectory), gun);
        if (fetcher is null)
        {
            _fetcher = new HttpFetcher(_options.Transport);
            _ownsFetcher = true;
        }
        else
        {
            _fetcher = fetcher;
        }
    }

    /// <summary>Refreshes the collection's metadata and returns its verified targets.</summary>
    /// <param name="cancellationToken">Cancels the downloads.</param>
    /// <returns>The verified trust data.</returns>
    /// <exception cref="TufException">Anything the server served failed a check (the exception type says which).</exception>
    /// <exception cref="TrustedRootException">The locally trusted root (or the one given) is unusable.</exception>
    public async Task<NotaryTrustData> RefreshAsync(CancellationToken cancellationToken = default)
    {
        var now = _options.Transport.TimeProvider.GetUtcNow();

        // Root: trusted (kept, given, or first use), then every newer version in turn.
        var (root, rootBytes) = await TrustedRootAsync(cancellationToken).ConfigureAwait(false);
        byte[] latestBytes = await FetchRootAsync(cancellationToken).ConfigureAwait(false);
        var latest = NotaryMetadata.Parse(latestBytes, "Root", "root.json");
        if (latest.Version < root.Version)
        {
            throw new BadVersionNumberException("root", root.Version, latest.Version, $"root.json: version {latest.Version} is older than the trusted version {root.Version}");
        }

        if (latest.Version - root.Version > _options.MaxRootRotations)
        {
            throw new RepositoryException($"root.json: {latest.Version - root.Version} root versions to walk, more than {_options.MaxRootRotations}");
        }

        for (long v = root.Version + 1; v <= latest.Version; v++)
        {
            var (bytes, next) = v == latest.Version
                ? (latestBytes, latest)
                : await FetchRootVersionAsync(v, cancellationToken).ConfigureAwait(false);
            if (next.Version != v)
            {
                throw new BadVersionNumberException("root", v, next.Version, $"{v}.root.json: holds version {next.Version}");
            }

            next.VerifySignatures(root.Roles["root"], root.Keys, IsCollectionCertificate);
            VerifyRootSelf(next, $"{v}.root.json", now);
            (root, rootBytes) = (next, bytes);
            Save("root", bytes);
        }

        if (latest.Version == root.Version && !latestBytes.AsSpan().SequenceEqual(rootBytes))
        {
            // The same version with other bytes must still be signed by the trusted root's keys.
            latest.VerifySignatures(root.Roles["root"], root.Keys, IsCollectionCertificate);
        }

        CheckExpiry("root", root, now);

        // Timestamp.
        byte[] timestampBytes = await FetchAsync("timestamp.json", _options.MaxUnlistedLength, cancellationToken).ConfigureAwait(false);
        var timestamp = NotaryMetadata.Parse(timestampBytes, "Timestamp", "timestamp.json");
        timestamp.VerifySignatures(root.Roles["timestamp"], root.Keys);
        CheckNotOlder("timestamp", timestamp, "Timestamp");
        CheckExpiry("timestamp", timestamp, now);

        // Snapshot, by checksum.
        var snapshotBytes = await FetchListedAsync("snapshot", timestamp.Meta["snapshot"], cancellationToken).ConfigureAwait(false);
        var snapshot = NotaryMetadata.Parse(snapshotBytes, "Snapshot", "snapshot.json");
        snapshot.VerifySignatures(root.Roles["snapshot"], root.Keys);
        CheckNotOlder("snapshot", snapshot, "Snapshot");
        CheckExpiry("snapshot", snapshot, now);
        CheckListed("root", snapshot.Meta["root"], rootBytes);

        // Targets and delegations, in order; the first role to list a name wins.
        var targetsBytes = await FetchListedAsync("targets", snapshot.Meta["targets"], cancellationToken).ConfigureAwait(false);
        var targets = NotaryMetadata.Parse(targetsBytes, "Targets", "targets.json");
        targets.VerifySignatures(root.Roles["targets"], root.Keys);
        CheckNotOlder("targets", targets, "Targets");
        CheckExpiry("targets", targets, now);

        var found = new List<NotaryTarget>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var roles = new List<string> { "targets" };
        var saves = new List<(string Role, byte[] Bytes)> { ("targets", targetsBytes) };
        Collect(targets, "targets", null);
        var pending = new Queue<(NotaryMetadata Parent, NotaryRole Delegation, IReadOnlyList<string>? ParentPaths)>();
        Enqueue(targets, "targets", null);
        while (pending.Count > 0)
        {
            var (parent, delegation, parentPaths) = pending.Dequeue();
            if (!snapshot.Meta.TryGetValue(delegation.Name, out var meta))
            {
                continue; // delegated but not published yet: it signs nothing
            }

            if (roles.Count > _options.MaxDelegations)
            {
                throw new RepositoryException($"more than {_options.MaxDelegations} delegated roles");
            }

            var bytes = await FetchListedAsync(delegation.Name, meta, cancellationToken).ConfigureAwait(false);
            var role = NotaryMetadata.Parse(bytes, "Targets", delegation.Name + ".json");
            role.VerifySignatures(delegation, parent.Keys);
            CheckNotOlder(delegation.Name, role, "Targets");
            CheckExpiry(delegation.Name, role, now);
            roles.Add(delegation.Name);
            saves.Add((delegation.Name, bytes));

            // A delegation may only narrow its parent's paths.
            var paths = parentPaths is null ? delegation.Paths : [.. delegation.Paths.Where(p => parentPaths.Any(q => p.StartsWith(q, StringComparison.Ordinal)))];
            Collect(role, delegation.Name, paths);
            Enqueue(role, delegation.Name, paths);
        }

        // Everything verified: keep it for the next refresh's rollback checks.
        Save("timestamp", timestampBytes);
        Save("snapshot", snapshotBytes);
        foreach (var (name, bytes) in saves)
        {
            Save(name, bytes);
        }

        return new NotaryTrustData(_gun, root.Version, timestamp.Version, found, roles);

        void Collect(NotaryMetadata role, string roleName, IReadOnlyList<string>? allowed)
        {
            foreach (var (name, meta) in role.Targets.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                if ((allowed is null || allowed.Any(p => name.StartsWith(p, StringComparison.Ordinal))) && names.Add(name))
                {
                    found.Add(new NotaryTarget(name, meta, roleName));
                }
            }
        }

        void Enqueue(NotaryMetadata role, string roleName, IReadOnlyList<string>? paths)
        {
            foreach (var delegation in role.Delegations)
            {
                // Notary names a delegation under its delegator: targets/a delegates targets/a/b only.
                if (delegation.Name.StartsWith(roleName + "/", StringComparison.Ordinal) && !delegation.Name[(roleName.Length + 1)..].Contains('/', StringComparison.Ordinal))
                {
                    pending.Enqueue((role, delegation, paths));
                }
            }
        }
    }

    /// <summary>Checks <paramref name="file"/> against a verified target's length and every hash.</summary>
    /// <param name="target">The verified target.</param>
    /// <param name="file">The local file.</param>
    /// <returns>Whether the file is the signed one.</returns>
    public static bool FileMatches(NotaryTarget target, string file)
    {
        ArgumentNullException.ThrowIfNull(target);
        var info = new FileInfo(file);
        if (!info.Exists || info.Length != target.Meta.Length)
        {
            return false;
        }

        using var stream = info.OpenRead();
        foreach (var (algorithm, expected) in target.Meta.Hashes)
        {
            HashAlgorithmName name = algorithm switch { "sha256" => HashAlgorithmName.SHA256, "sha512" => HashAlgorithmName.SHA512, _ => default };
            if (name == default)
            {
                continue;
            }

            stream.Position = 0;
            using var hash = IncrementalHash.CreateHash(name);
            byte[] buffer = new byte[81920];
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }

            if (!CryptographicOperations.FixedTimeEquals(hash.GetHashAndReset(), expected))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsFetcher && _fetcher is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    private async Task<(NotaryMetadata Root, byte[] Bytes)> TrustedRootAsync(CancellationToken cancellationToken)
    {
        var now = _options.Transport.TimeProvider.GetUtcNow();
        string kept = PathOf("root");
        string? path = File.Exists(kept) ? kept : _options.RootFile;
        byte[] bytes;
        string source;
        if (path is not null)
        {
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new TrustedRootException($"{path}: cannot read the trusted root ({ex.Message})", ex) { Path = path, Reason = ex.Message };
            }

            source = path;
        }
        else
        {
            // Trust on first use, as Notary does: the first root served, checked for the collection's certificates.
            bytes = await FetchRootAsync(cancellationToken).ConfigureAwait(false);
            source = "root.json";
        }

        NotaryMetadata root;
        try
        {
            root = NotaryMetadata.Parse(bytes, "Root", source);
            VerifyRootSelf(root, source, now, checkExpiry: false);
        }
        catch (TufException ex) when (path is not null)
        {
            throw new TrustedRootException($"{path}: not a usable trusted root ({ex.Message})", ex) { Path = path, Reason = ex.Message };
        }

        if (path != kept)
        {
            Save("root", bytes);
        }

        return (root, bytes);
    }

    private async Task<byte[]> FetchRootAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await FetchAsync("root.json", _options.MaxUnlistedLength, cancellationToken).ConfigureAwait(false);
        }
        catch (DownloadHttpException ex) when (ex.StatusCode == 404)
        {
            throw new RepositoryException($"the server has no trust data for {ErrorText.Untrusted(_gun)} (root.json: 404)", ex);
        }
    }

    private async Task<(byte[] Bytes, NotaryMetadata Root)> FetchRootVersionAsync(long version, CancellationToken cancellationToken)
    {
        byte[] bytes = await FetchAsync($"{version}.root.json", _options.MaxUnlistedLength, cancellationToken).ConfigureAwait(false);
        return (bytes, NotaryMetadata.Parse(bytes, "Root", $"{version}.root.json"));
    }

    /// <summary>A root must be signed by a threshold of its own root keys that are certificates for this collection, valid now.</summary>
    private void VerifyRootSelf(NotaryMetadata root, string source, DateTimeOffset now, bool checkExpiry = true)
    {
        bool Valid(NotaryKey key)
        {
            if (!IsCollectionCertificate(key))
            {
                return false;
            }

            using var cert = key.TryGetCertificate();
            return !checkExpiry || (cert!.NotBefore.ToUniversalTime() <= now.UtcDateTime && now.UtcDateTime <= cert.NotAfter.ToUniversalTime());
        }

        if (!root.Roles["root"].KeyIds.Any(id => IsCollectionCertificate(root.Keys[id])))
        {
            throw new UnsignedMetadataException($"{ErrorText.Untrusted(source)}: no root key is a certificate for {ErrorText.Untrusted(_gun)}");
        }

        root.VerifySignatures(root.Roles["root"], root.Keys, Valid);
    }

    private bool IsCollectionCertificate(NotaryKey key)
    {
        using var cert = key.TryGetCertificate();
        return cert is not null && cert.GetNameInfo(X509NameType.SimpleName, forIssuer: false) == _gun;
    }

    private void CheckNotOlder(string role, NotaryMetadata metadata, string type)
    {
        string path = PathOf(role);
        if (!File.Exists(path))
        {
            return;
        }

        NotaryMetadata kept;
        try
        {
            kept = NotaryMetadata.Parse(File.ReadAllBytes(path), type, path);
        }
        catch (Exception ex) when (ex is DeserializationException or IOException)
        {
            return; // a damaged cache is replaced by the verified copy
        }

        if (metadata.Version < kept.Version)
        {
            throw new BadVersionNumberException(role, kept.Version, metadata.Version, $"{ErrorText.Untrusted(role)}.json: version {metadata.Version} is older than version {kept.Version} seen before (rollback)");
        }
    }

    private static void CheckExpiry(string role, NotaryMetadata metadata, DateTimeOffset now)
    {
        if (metadata.Expires <= now)
        {
            throw new ExpiredMetadataException(role, metadata.Expires, now);
        }
    }

    private async Task<byte[]> FetchListedAsync(string role, NotaryFileMeta meta, CancellationToken cancellationToken)
    {
        string name = $"{role}.{meta.Sha256Hex}.json";
        byte[] bytes = await FetchAsync(name, meta.Length, cancellationToken).ConfigureAwait(false);
        CheckListed(role, meta, bytes);
        return bytes;
    }

    private static void CheckListed(string role, NotaryFileMeta meta, byte[] bytes)
    {
        if (bytes.Length != meta.Length)
        {
            throw new LengthOrHashMismatchException($"{ErrorText.Untrusted(role)}.json: {bytes.Length} bytes where {meta.Length} are signed");
        }

        foreach (var (algorithm, expected) in meta.Hashes)
        {
            byte[]? actual = algorithm switch { "sha256" => SHA256.HashData(bytes), "sha512" => SHA512.HashData(bytes), _ => null };
            if (actual is not null && !CryptographicOperations.FixedTimeEquals(actual, expected))
            {
                throw new LengthOrHashMismatchException($"{ErrorText.Untrusted(role)}.json: {algorithm} differs from the signed hash");
            }
        }
    }

    private Task<byte[]> FetchAsync(string name, long maxLength, CancellationToken cancellationToken) =>
        GuardedFetch.FetchAsync(_fetcher, new Uri(_base, Escape(name)), maxLength, _options.Transport, cancellationToken);

    private string PathOf(string role) => Path.Combine(_dir, role + ".json");

    private void Save(string role, byte[] bytes)
    {
        string path = PathOf(role);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        DurableFile.Write(path, bytes);
    }

    private static string Escape(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
}
