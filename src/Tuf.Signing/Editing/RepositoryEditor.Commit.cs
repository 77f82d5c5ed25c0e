namespace Tuf.Signing;

public sealed partial class RepositoryEditor
{
    /// <summary>
    /// Publishes every staged role: signs each with the given keys that belong to it, refuses (writing nothing)
    /// when any role lacks its threshold, makes a new snapshot and timestamp whose lengths and hashes are those of
    /// the exact bytes written, and writes target files (<c>HASH.name</c> with consistent snapshots), then versioned
    /// metadata, then the unversioned pointers, <c>timestamp.json</c> last. A failure before the last step leaves
    /// what clients fetch unchanged.
    /// </summary>
    /// <param name="signers">Keys to sign with (each signs only the roles it belongs to).</param>
    /// <param name="refresh">Make a new snapshot and timestamp even when nothing else changed (re-signing before expiry).</param>
    /// <param name="cancellationToken">Cancels before anything is written.</param>
    /// <returns>What was published.</returns>
    /// <exception cref="SigningException">A role lacks its threshold, or staged target content is missing.</exception>
    public async Task<CommitResult> CommitAsync(IReadOnlyList<ISigner> signers, bool refresh = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signers);
        var stagedNames = StagedRoleNames().ToList();
        if (stagedNames.Count == 0 && !refresh && _pending.Count == 0)
        {
            return new CommitResult(new Dictionary<string, long>(), 0, 0);
        }

        var format = Settings.FileFormat;
        var committed = new Dictionary<string, long>(StringComparer.Ordinal);
        var problems = new List<string>();

        // 1. Sign staged roles with the keys given, then check every threshold before writing anything.
        var signedRoles = new Dictionary<string, SignedRole<Signed>>(StringComparer.Ordinal);
        foreach (var name in stagedNames)
        {
            var state = GetRole(name);
            var authorities = AuthoritiesFor(name);
            foreach (var signer in signers)
            {
                if (IsAuthorized(authorities, signer.KeyId) && !state.Signatures.Any(s => s.KeyId == signer.KeyId))
                {
                    await AddSignatureAsync(state, signer, cancellationToken).ConfigureAwait(false);
                }
            }

            foreach (var (authority, valid) in CountSignatures(name))
            {
                if (valid < authority.Role.Threshold)
                {
                    problems.Add($"{authority.Description} has {valid} of {authority.Role.Threshold} signatures");
                }
            }

            signedRoles[name] = SignedRole<Signed>.FromSignatures(state.Signed, [.. state.Signatures], state.SignedBytes().ToArray(), format);
            committed[name] = state.Signed.Version;
        }

        ThrowIfProblems(problems);
        var root = EffectiveRoot;
        bool consistent = root.ConsistentSnapshot;

        // 2. Snapshot: the published entries plus the exact length and hash of every targets role written now.
        bool rootStaged = signedRoles.ContainsKey("root");
        bool targetsChanged = signedRoles.Keys.Any(n => n != "root");
        bool newSnapshot = targetsChanged || refresh || rootStaged || _pending.Contains("snapshot") || _publishedSnapshot is null;
        bool newTimestamp = newSnapshot || _pending.Contains("timestamp") || _publishedTimestamp is null;
        SignedRole<Snapshot>? snapshotRole = null;
        MetaFile snapshotMeta;
        if (newSnapshot)
        {
            var snapshot = new Snapshot
            {
                Version = (_publishedSnapshot?.Signed.Version ?? 0) + 1,
                Expires = ExpiryFor("snapshot"),
            };
            if (_publishedSnapshot is not null)
            {
                foreach (var (file, meta) in _publishedSnapshot.Signed.Meta)
                {
                    snapshot.Meta[file] = meta;
                }
            }

            foreach (var (name, signedRole) in signedRoles)
            {
                if (name != "root")
                {
                    snapshot.Meta[name + ".json"] = signedRole.ToMetaFile();
                }
            }

            snapshotRole = await SignGeneratedAsync(snapshot, "snapshot", signers, root, problems, cancellationToken).ConfigureAwait(false);
            snapshotMeta = snapshotRole.ToMetaFile();
            committed["snapshot"] = snapshot.Version;
        }
        else
        {
            snapshotMeta = _publishedTimestamp!.Signed.SnapshotMeta;
        }

        SignedRole<Timestamp>? timestampRole = null;
        if (newTimestamp)
        {
            var timestamp = new Timestamp
            {
                Version = (_publishedTimestamp?.Signed.Version ?? 0) + 1,
                Expires = ExpiryFor("timestamp"),
                SnapshotMeta = snapshotMeta,
            };
            timestampRole = await SignGeneratedAsync(timestamp, "timestamp", signers, root, problems, cancellationToken).ConfigureAwait(false);
            committed["timestamp"] = timestamp.Version;
        }

        ThrowIfProblems(problems);

        // 3. Target contents to publish: entries that are new or changed since the published version of their role.
        var targetWrites = CollectTargetWrites(stagedNames, consistent);
        cancellationToken.ThrowIfCancellationRequested();

        // 4. Write: targets, then new versioned metadata, then pointers; timestamp.json last.
        int targetsWritten = PublishTargets(targetWrites, consistent);
        var versioned = new List<(string Path, ReadOnlyMemory<byte> Bytes)>();
        var pointers = new List<(string Path, ReadOnlyMemory<byte> Bytes)>();
        foreach (var (name, signedRole) in signedRoles)
        {
            if (name == "root")
            {
                versioned.Add((_layout.MetadataPath("root", signedRole.Signed.Version), signedRole.FileBytes));
                pointers.Add((_layout.MetadataPath("root", null), signedRole.FileBytes));
            }
            else
            {
                (consistent ? versioned : pointers).Add((_layout.MetadataPath(name, consistent ? signedRole.Signed.Version : null), signedRole.FileBytes));
            }
        }

        if (snapshotRole is not null)
        {
            (consistent ? versioned : pointers).Add((_layout.MetadataPath("snapshot", consistent ? snapshotRole.Signed.Version : null), snapshotRole.FileBytes));
        }

        System.IO.Directory.CreateDirectory(_layout.MetadataDir);

        // New versioned files first (a leftover from an interrupted commit was never referenced by timestamp.json,
        // so replacing it is safe); one file-system flush for all of them, then the pointers, timestamp.json last.
        WriteAll(versioned);
        WriteAll(pointers);
        if (timestampRole is not null)
        {
            AtomicFile.Write(_layout.MetadataPath("timestamp", null), timestampRole.FileBytes.Span);
        }

        ClearStaging();
        return new CommitResult(committed, versioned.Count + pointers.Count + (timestampRole is null ? 0 : 1), targetsWritten);
    }

    /// <summary>Writes each file atomically without a flush per file, then flushes once (per-file fsync where syncfs is missing).</summary>
    private void WriteAll(List<(string Path, ReadOnlyMemory<byte> Bytes)> files)
    {
        foreach (var file in files)
        {
            AtomicFile.Write(file.Path, file.Bytes.Span, durable: false);
        }

        if (files.Count > 0 && !HardLink.TrySyncFileSystem(_layout.MetadataDir))
        {
            foreach (var file in files)
            {
                using var stream = new FileStream(file.Path, FileMode.Open, FileAccess.ReadWrite);
                stream.Flush(flushToDisk: true);
            }
        }
    }

    private async Task<SignedRole<T>> SignGeneratedAsync<T>(T signed, string name, IReadOnlyList<ISigner> signers, Root root, List<string> problems, CancellationToken cancellationToken)
        where T : Signed
    {
        var role = root.Roles[name];
        var mine = signers.Where(s => role.KeyIds.Contains(s.KeyId)).GroupBy(s => s.KeyId).Select(g => g.First()).ToList();
        var signedRole = await SignedRole.SignAsync(signed, mine, Settings.FileFormat, cancellationToken).ConfigureAwait(false);
        int valid = ThresholdVerifier.CountValid(signedRole.SignedBytes.Span, signedRole.Signatures, role, root.Keys);
        if (valid < role.Threshold)
        {
            problems.Add($"{name} needs {role.Threshold} signature(s) but {valid} of its keys were given (pass them with --key)");
        }

        return signedRole;
    }

    private static void ThrowIfProblems(List<string> problems)
    {
        if (problems.Count > 0)
        {
            throw new SigningException("nothing committed: " + string.Join("; ", problems));
        }
    }

    private sealed record TargetWrite(string TargetPath, string Sha256, string Sha512, string? Blob);

    private List<TargetWrite> CollectTargetWrites(List<string> stagedNames, bool consistent)
    {
        var writes = new List<TargetWrite>();
        var missing = new List<string>();

        // One directory listing instead of a stat per target (a commit may publish 100,000 of them).
        var blobs = System.IO.Directory.Exists(_layout.BlobsDir)
            ? System.IO.Directory.EnumerateFiles(_layout.BlobsDir).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string?>(StringComparer.Ordinal);
        bool publishedConsistent = _publishedRoot?.Signed.ConsistentSnapshot ?? consistent;
        foreach (var name in stagedNames)
        {
            if (name == "root")
            {
                continue;
            }

            var state = GetRole(name);
            Targets? published = null;
            if (state.PublishedVersion > 0)
            {
                published = Parse<Targets>(_layout.MetadataPath(name, publishedConsistent ? state.PublishedVersion : null)).Signed;
            }

            foreach (var (path, file) in state.Targets.TargetFiles)
            {
                if (!file.Hashes.TryGetValue("sha256", out var sha256) || !file.Hashes.TryGetValue("sha512", out var sha512))
                {
                    continue;
                }

                if (published is not null && published.TargetFiles.TryGetValue(path, out var old) && old.Hashes.TryGetValue("sha256", out var oldHash) && oldHash == sha256)
                {
                    continue;
                }

                bool staged = blobs.Contains(sha256);
                if (!staged && !(consistent && File.Exists(_layout.TargetPath(path, sha256))))
                {
                    missing.Add(path);
                    continue;
                }

                writes.Add(new TargetWrite(path, sha256, sha512, staged ? Path.Combine(_layout.BlobsDir, sha256) : null));
            }
        }

        if (missing.Count > 0)
        {
            throw new SigningException($"nothing committed: the content of {missing.Count} target(s) is missing from the staging area (first: '{ErrorText.Untrusted(missing[0])}'); add them again");
        }

        return writes;
    }

    /// <summary>
    /// Publishes target contents by moving staged blobs into place (consistent snapshots: <c>SHA256.name</c>, with
    /// <c>SHA512.name</c> hard-linked to it, so either hash finds the file).
    /// </summary>
    private int PublishTargets(List<TargetWrite> writes, bool consistent)
    {
        int count = 0;
        var published = new Dictionary<string, string>(StringComparer.Ordinal);
        var directories = new HashSet<string>(StringComparer.Ordinal);
        foreach (var write in writes)
        {
            string destination = _layout.TargetPath(write.TargetPath, consistent ? write.Sha256 : null);
            string dir = Path.GetDirectoryName(destination)!;
            if (directories.Add(dir))
            {
                System.IO.Directory.CreateDirectory(dir);
            }

            if (published.TryGetValue(write.Sha256, out var first))
            {
                // The same content under another path: link (or copy) the first published file.
                if (first != destination)
                {
                    string temp = destination + "." + Guid.NewGuid().ToString("N") + ".tmp";
                    if (!HardLink.TryCreate(first, temp))
                    {
                        File.Copy(first, temp);
                    }

                    File.Move(temp, destination, overwrite: true);
                }
            }
            else if (write.Blob is not null)
            {
                File.Move(write.Blob, destination, overwrite: true);
            }

            published.TryAdd(write.Sha256, destination);
            count++;
            if (consistent)
            {
                string second = _layout.TargetPath(write.TargetPath, write.Sha512);
                if (!HardLink.TryCreate(destination, second) && !File.Exists(second))
                {
                    File.Copy(destination, second);
                }
            }
        }

        return count;
    }

    private void ClearStaging()
    {
        if (System.IO.Directory.Exists(_layout.StagedRolesDir))
        {
            System.IO.Directory.Delete(_layout.StagedRolesDir, recursive: true);
        }

        if (System.IO.Directory.Exists(_layout.BlobsDir))
        {
            System.IO.Directory.Delete(_layout.BlobsDir, recursive: true);
        }

        AtomicFile.TryDelete(_layout.PendingPath);
        if (_settingsDirty || !File.Exists(_layout.SettingsPath))
        {
            AtomicFile.Write(_layout.SettingsPath, Settings.ToBytes());
            _settingsDirty = false;
        }

        _roles.Clear();
        _pending.Clear();
        _pendingDirty = false;
        LoadPublished();
    }
}
