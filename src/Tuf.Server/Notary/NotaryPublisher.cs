using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tuf.Internal;
using Tuf.Notary;
using Tuf.Server.Publishing;
using Tuf.Server.Storage;

namespace Tuf.Server.Notary;

/// <summary>
/// Validates a publish to a Notary collection by Notary's rules and adds what the server signs: a new root (its
/// version the current one + 1, signed by a threshold of its own root certificates for the GUN and, on rotation, of
/// the previous root's), targets and delegations (parents first; each signed by the keys its delegator names, its
/// version above the stored one, not expired, a delegation's targets within its path prefixes), the snapshot
/// (uploaded: signed by the root's snapshot keys and naming exactly the bytes of every role; else generated when the
/// root names the server's snapshot key) and always a new timestamp. Nothing is written here.
/// </summary>
internal sealed class NotaryPublisher
{
    private const int MaxDelegationDepth = 8;

    /// <summary>
    /// How long a snapshot the server signs for a Notary collection is valid: Notary's own default (3 years). Notary's
    /// clients warn on every command when a snapshot expires within six months; the timestamp, re-signed by the
    /// server well before it expires, is what keeps the collection fresh.
    /// </summary>
    public static readonly TimeSpan SnapshotExpiry = TimeSpan.FromDays(3 * 365);

    private readonly ServerKeyService _keys;
    private readonly ServerOptions _options;

    public NotaryPublisher(ServerKeyService keys, ServerOptions options)
    {
        _keys = keys;
        _options = options;
    }

    /// <summary>The files to store for an upload (uploaded roles as sent, plus server-signed snapshot and timestamp).</summary>
    public async Task<(List<NewMetadata> Files, DateTimeOffset ResignDue)> PrepareAsync(
        string gun, CollectionState? state, Func<string, CancellationToken, Task<byte[]?>> load, IReadOnlyList<UploadedFile> files, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var uploads = new Dictionary<string, (byte[] Data, NotaryMetadata Metadata)>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            string role = file.Role;
            string type = role switch
            {
                "root" => "Root",
                "snapshot" => "Snapshot",
                "targets" => "Targets",
                "timestamp" => throw ApiException.BadRequest(ErrorCodes.TimestampManagedByServer, "timestamp: the server signs the timestamp of a Notary collection; do not upload it."),
                _ when IsDelegationName(role) => "Targets",
                _ => throw ApiException.BadRequest(ErrorCodes.UnknownRole, $"'{ErrorText.Untrusted(role)}' is not a Notary role (root, targets, snapshot, targets/NAME)."),
            };
            if (uploads.ContainsKey(role))
            {
                throw ApiException.BadRequest(ErrorCodes.DuplicateRole, $"{ErrorText.Untrusted(role)}: uploaded twice.");
            }

            uploads[role] = (file.Data, Parse(file.Data, type, role));
        }

        if (uploads.Count == 0)
        {
            throw ApiException.BadRequest(ErrorCodes.NothingToPublish, "The upload holds no metadata.");
        }

        // Root.
        var currentRootBytes = await load("root", cancellationToken).ConfigureAwait(false);
        var currentRoot = currentRootBytes is null ? null : Parse(currentRootBytes, "Root", "stored root");
        var root = currentRoot;
        if (uploads.TryGetValue("root", out var newRoot))
        {
            long expected = (currentRoot?.Version ?? 0) + 1;
            if (currentRoot is not null && newRoot.Metadata.Version != expected)
            {
                throw ApiException.BadRequest(ErrorCodes.RootVersionSkip, $"root: version {newRoot.Metadata.Version}, expected {expected} (the next version of the stored root).");
            }

            RequireNotExpired("root", newRoot.Metadata, now);
            RequireSigned("root", () => newRoot.Metadata.VerifySignatures(newRoot.Metadata.Roles["root"], newRoot.Metadata.Keys, key => IsRootCertificate(key, gun, now)),
                $"a threshold of its own root keys that are certificates for {gun}, valid now");
            if (currentRoot is not null)
            {
                try
                {
                    newRoot.Metadata.VerifySignatures(currentRoot.Roles["root"], currentRoot.Keys, key => IsRootCertificate(key, gun, null));
                }
                catch (UnsignedMetadataException e)
                {
                    throw ApiException.BadRequest(ErrorCodes.RootNotSignedByPrevious, $"root: not signed by the previous root's keys ({e.Message}).");
                }
            }

            root = newRoot.Metadata;
        }

        if (root is null)
        {
            throw ApiException.BadRequest(ErrorCodes.RootMissing, "No root: a Notary collection's first publish includes root.json.");
        }

        var serverTimestampKeys = await _keys.GetNotaryKeyIdsAsync(gun, "timestamp", cancellationToken).ConfigureAwait(false);
        var timestampKeyIds = root.Roles["timestamp"].KeyIds.Where(serverTimestampKeys.Contains).ToList();
        if (timestampKeyIds.Count == 0)
        {
            throw ApiException.BadRequest(ErrorCodes.ServerKeyNotInRoot, "root: names no timestamp key the server holds (GET .../_trust/tuf/timestamp.key).");
        }

        // Targets roles, parents first; each verified by what delegates to it (uploaded or stored).
        var targetsByName = new Dictionary<string, NotaryMetadata>(StringComparer.Ordinal);
        foreach (var (role, upload) in uploads.Where(u => u.Value.Metadata.Type == "Targets").OrderBy(u => u.Key.Count(c => c == '/')).ThenBy(u => u.Key, StringComparer.Ordinal))
        {
            NotaryRole signer;
            IReadOnlyDictionary<string, NotaryKey> keys;
            if (role == "targets")
            {
                (signer, keys) = (root.Roles["targets"], root.Keys);
            }
            else
            {
                string parentName = role[..role.LastIndexOf('/')];
                var parent = await TargetsAsync(parentName).ConfigureAwait(false)
                    ?? throw ApiException.BadRequest(ErrorCodes.UnknownRole, $"{ErrorText.Untrusted(role)}: its delegator {ErrorText.Untrusted(parentName)} does not exist.");
                signer = parent.Delegations.FirstOrDefault(d => d.Name == role)
                    ?? throw ApiException.BadRequest(ErrorCodes.UnknownRole, $"{ErrorText.Untrusted(role)}: {ErrorText.Untrusted(parentName)} does not delegate to it.");
                keys = parent.Keys;
                var outside = upload.Metadata.Targets.Keys.FirstOrDefault(name => !signer.MaySign(name));
                if (outside is not null)
                {
                    throw ApiException.BadRequest(ErrorCodes.TargetOutsideDelegation, $"{ErrorText.Untrusted(role)}: target '{ErrorText.Untrusted(outside)}' is outside the delegation's paths.");
                }
            }

            RequireSigned(role, () => upload.Metadata.VerifySignatures(signer, keys), "a threshold of the keys its delegator names");
            RequireNotExpired(role, upload.Metadata, now);
            RequireNewer(role, upload.Metadata, state);
            targetsByName[role] = upload.Metadata;
        }

        if (state?.Roles.ContainsKey("targets") != true && !uploads.ContainsKey("targets"))
        {
            throw ApiException.BadRequest(ErrorCodes.TargetsMissing, "targets: a new collection's first publish includes targets.");
        }

        // Snapshot: uploaded, or signed here when the root names the server's snapshot key.
        var written = new List<NewMetadata>();
        foreach (var (role, upload) in uploads.Where(u => u.Key != "snapshot"))
        {
            written.Add(new NewMetadata(role, upload.Metadata.Version, upload.Data));
        }

        var snapshotFiles = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var role in (state?.Roles.Keys ?? []).Concat(uploads.Keys).Where(r => r is not "snapshot" and not "timestamp").Distinct(StringComparer.Ordinal))
        {
            snapshotFiles[role] = uploads.TryGetValue(role, out var u) ? u.Data : (await load(role, cancellationToken).ConfigureAwait(false))!;
        }

        byte[] snapshotBytes;
        long snapshotVersion;
        bool serverSnapshot = false;
        if (uploads.TryGetValue("snapshot", out var snapshot))
        {
            RequireSigned("snapshot", () => snapshot.Metadata.VerifySignatures(root.Roles["snapshot"], root.Keys), "a threshold of the root's snapshot keys");
            RequireNotExpired("snapshot", snapshot.Metadata, now);
            RequireNewer("snapshot", snapshot.Metadata, state);
            foreach (var (role, data) in snapshotFiles)
            {
                if (!snapshot.Metadata.Meta.TryGetValue(role, out var meta))
                {
                    if (uploads.ContainsKey(role) || role is "root" or "targets")
                    {
                        throw ApiException.BadRequest(ErrorCodes.SnapshotInconsistent, $"snapshot: does not list {ErrorText.Untrusted(role)}.");
                    }

                    continue;
                }

                if (!Matches(meta, data))
                {
                    throw ApiException.BadRequest(ErrorCodes.SnapshotInconsistent, $"snapshot: the length or hashes it lists for {ErrorText.Untrusted(role)} are not those of its file.");
                }
            }

            (snapshotBytes, snapshotVersion) = (snapshot.Data, snapshot.Metadata.Version);
            written.Add(new NewMetadata("snapshot", snapshotVersion, snapshotBytes));
        }
        else
        {
            var serverSnapshotKeys = await _keys.GetNotaryKeyIdsAsync(gun, "snapshot", cancellationToken).ConfigureAwait(false);
            var snapshotKeyIds = root.Roles["snapshot"].KeyIds.Where(serverSnapshotKeys.Contains).ToList();
            var key = snapshotKeyIds.Count == 0 ? null : await _keys.GetNotarySignerAsync(gun, "snapshot", snapshotKeyIds, cancellationToken).ConfigureAwait(false);
            if (key is null)
            {
                throw ApiException.BadRequest(ErrorCodes.SnapshotRequired, "snapshot: no snapshot was included in the update and the server does not hold the current snapshot key of the collection.");
            }

            snapshotVersion = (state?.Roles.TryGetValue("snapshot", out var current) == true ? current.Version : 0) + 1;
            snapshotBytes = NotaryRoleWriter.Snapshot(snapshotVersion, Whole(now + SnapshotExpiry), snapshotFiles, key);
            written.Add(new NewMetadata("snapshot", snapshotVersion, snapshotBytes));
            serverSnapshot = true;
        }

        var timestampKey = (await _keys.GetNotarySignerAsync(gun, "timestamp", timestampKeyIds, cancellationToken).ConfigureAwait(false))!;
        long timestampVersion = (state?.Roles.TryGetValue("timestamp", out var ts) == true ? ts.Version : 0) + 1;
        written.Add(new NewMetadata("timestamp", timestampVersion, NotaryRoleWriter.Timestamp(timestampVersion, Whole(now + _options.TimestampExpiry), snapshotBytes, timestampKey)));
        var due = now + _options.TimestampExpiry - _options.ResignWindow;
        if (serverSnapshot && now + SnapshotExpiry - _options.ResignWindow < due)
        {
            due = now + SnapshotExpiry - _options.ResignWindow;
        }

        return (written, due);

        async Task<NotaryMetadata?> TargetsAsync(string name)
        {
            if (targetsByName.TryGetValue(name, out var uploaded))
            {
                return uploaded;
            }

            var bytes = await load(name, cancellationToken).ConfigureAwait(false);
            return bytes is null ? null : Parse(bytes, "Targets", "stored " + name);
        }
    }

    /// <summary>
    /// A new timestamp (and server-managed snapshot) when the stored one is within the re-sign window of expiry;
    /// null when nothing is due.
    /// </summary>
    public async Task<(List<NewMetadata> Files, DateTimeOffset ResignDue)?> PrepareResignAsync(
        string gun, CollectionState state, Func<string, CancellationToken, Task<byte[]?>> load, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var root = Parse((await load("root", cancellationToken).ConfigureAwait(false))!, "Root", "stored root");
        var timestampBytes = await load("timestamp", cancellationToken).ConfigureAwait(false);
        var snapshotBytes = (await load("snapshot", cancellationToken).ConfigureAwait(false))!;
        bool timestampDue = timestampBytes is null || Parse(timestampBytes, "Timestamp", "stored timestamp").Expires - _options.ResignWindow <= now;
        var serverSnapshotKeys = await _keys.GetNotaryKeyIdsAsync(gun, "snapshot", cancellationToken).ConfigureAwait(false);
        var snapshotKeyIds = root.Roles["snapshot"].KeyIds.Where(serverSnapshotKeys.Contains).ToList();
        var snapshotExpires = Parse(snapshotBytes, "Snapshot", "stored snapshot").Expires;
        bool snapshotDue = snapshotKeyIds.Count > 0 && snapshotExpires - _options.ResignWindow <= now;
        if (!timestampDue && !snapshotDue)
        {
            return null;
        }

        var written = new List<NewMetadata>();
        if (snapshotDue)
        {
            var key = (await _keys.GetNotarySignerAsync(gun, "snapshot", snapshotKeyIds, cancellationToken).ConfigureAwait(false))!;
            var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var role in state.Roles.Keys.Where(r => r is not "snapshot" and not "timestamp"))
            {
                files[role] = (await load(role, cancellationToken).ConfigureAwait(false))!;
            }

            long version = state.Roles["snapshot"].Version + 1;
            snapshotExpires = Whole(now + SnapshotExpiry);
            snapshotBytes = NotaryRoleWriter.Snapshot(version, snapshotExpires, files, key);
            written.Add(new NewMetadata("snapshot", version, snapshotBytes));
        }

        var timestampKeyIds = root.Roles["timestamp"].KeyIds.ToList();
        var timestampKey = await _keys.GetNotarySignerAsync(gun, "timestamp", timestampKeyIds, cancellationToken).ConfigureAwait(false);
        if (timestampKey is null)
        {
            return null; // the root names no timestamp key the server holds: nothing the server can sign
        }

        long timestampVersion = (state.Roles.TryGetValue("timestamp", out var ts) ? ts.Version : 0) + 1;
        written.Add(new NewMetadata("timestamp", timestampVersion, NotaryRoleWriter.Timestamp(timestampVersion, Whole(now + _options.TimestampExpiry), snapshotBytes, timestampKey)));
        var due = now + _options.TimestampExpiry - _options.ResignWindow;
        if (snapshotKeyIds.Count > 0 && snapshotExpires - _options.ResignWindow < due)
        {
            due = snapshotExpires - _options.ResignWindow;
        }

        return (written, due);
    }

    /// <summary>Whether a role name is a Notary delegation: <c>targets/</c> then one or more non-empty segments.</summary>
    public static bool IsDelegationName(string role)
    {
        if (!role.StartsWith("targets/", StringComparison.Ordinal))
        {
            return false;
        }

        var segments = role.Split('/');
        return segments.Length <= MaxDelegationDepth + 1 && segments.Skip(1).All(s => s.Length > 0 && s is not "." and not ".." && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'));
    }

    /// <summary>A root key counts when it is a certificate whose common name is the collection (and valid at <paramref name="now"/> when given).</summary>
    public static bool IsRootCertificate(NotaryKey key, string gun, DateTimeOffset? now)
    {
        using var cert = key.TryGetCertificate();
        if (cert is null || cert.GetNameInfo(X509NameType.SimpleName, forIssuer: false) != gun)
        {
            return false;
        }

        return now is not { } t || (cert.NotBefore.ToUniversalTime() <= t.UtcDateTime && t.UtcDateTime <= cert.NotAfter.ToUniversalTime());
    }

    private static NotaryMetadata Parse(byte[] data, string type, string role)
    {
        try
        {
            return NotaryMetadata.Parse(data, type, role + ".json");
        }
        catch (DeserializationException e)
        {
            throw ApiException.BadRequest(ErrorCodes.MalformedMetadata, e.Message);
        }
    }

    private static void RequireSigned(string role, Action verify, string by)
    {
        try
        {
            verify();
        }
        catch (UnsignedMetadataException e)
        {
            throw ApiException.BadRequest(ErrorCodes.Unsigned, $"{ErrorText.Untrusted(role)}: not signed by {by} ({e.Message}).");
        }
    }

    private static void RequireNotExpired(string role, NotaryMetadata metadata, DateTimeOffset now)
    {
        if (metadata.Expires <= now)
        {
            throw ApiException.BadRequest(ErrorCodes.Expired, $"{ErrorText.Untrusted(role)}: expired {metadata.Expires:u}.");
        }
    }

    private static void RequireNewer(string role, NotaryMetadata metadata, CollectionState? state)
    {
        if (state?.Roles.TryGetValue(role, out var current) == true && metadata.Version <= current.Version)
        {
            throw ApiException.BadRequest(ErrorCodes.VersionNotIncreasing, $"{ErrorText.Untrusted(role)}: version {metadata.Version} is not above the stored version {current.Version}.");
        }
    }

    private static bool Matches(NotaryFileMeta meta, byte[] data)
    {
        if (meta.Length != data.Length)
        {
            return false;
        }

        foreach (var (algorithm, expected) in meta.Hashes)
        {
            byte[]? actual = algorithm switch { "sha256" => SHA256.HashData(data), "sha512" => SHA512.HashData(data), _ => null };
            if (actual is not null && !CryptographicOperations.FixedTimeEquals(actual, expected))
            {
                return false;
            }
        }

        return true;
    }

    private static DateTimeOffset Whole(DateTimeOffset t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
