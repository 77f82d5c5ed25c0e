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
            if (!IsServerSigned("snapshot"))
            {
                committed["snapshot"] = snapshot.Version;
            }
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
            if (!IsServerSigned("timestamp"))
            {
                committed["timestamp"] = timestamp.Version;
            }
        }

        ThrowIfProblems(problems);

        // 3. Target contents to publish: entries that are new or changed since the published version of their role.
        var targetWrites = CollectTargetWrites(stagedNames, consistent);
        cancellationToken.ThrowIfCancellationRequested();

        // 4. Write: targets, then new versioned metadata, then pointers; timestamp.json last.
        int targetsWritten = PublishTargets(targetWrites, consistent, cancellationToken);
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

        if (snapshotRole is not null && !IsServerSigned("snapshot"))
        {
            (consistent ? versioned : pointers).Add((_layout.MetadataPath("snapshot", consistent ? snapshotRole.Signed.Version : null), snapshotRole.FileBytes));
        }

        System.IO.Directory.CreateDirectory(_layout.MetadataDir);

        // New versioned files first (a leftover from an interrupted commit was never referenced by timestamp.json,
        // so replacing it is safe); one file-system flush for all of them, then the pointers, timestamp.json last.
        WriteAll(versioned);
        WriteAll(pointers);
        int metadataWritten = versioned.Count + pointers.Count;
        if (timestampRole is not null && !IsServerSigned("timestamp"))
        {
            AtomicFile.Write(_layout.MetadataPath("timestamp", null), timestampRole.FileBytes.Span);
            metadataWritten++;
        }

        // Roles a server signs: only unsigned local records (the versions and hashes the server's copies will
        // list), written last, so that the next commit knows what is published locally.
        if (Settings.ServerSignedRoles.Count > 0)
        {
            System.IO.Directory.CreateDirectory(_layout.ServerSignedRecordsDir);
            if (snapshotRole is not null && IsServerSigned("snapshot"))
            {
                AtomicFile.Write(_layout.ServerSignedRecordPath("snapshot"), snapshotRole.FileBytes.Span);
            }

            if (timestampRole is not null && IsServerSigned("timestamp"))
            {
                AtomicFile.Write(_layout.ServerSignedRecordPath("timestamp"), timestampRole.FileBytes.Span);
            }
        }

        ClearStaging();
        return new CommitResult(committed, metadataWritten, targetsWritten);
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
        if (IsServerSigned(name))
        {
            // The server signs this role on publish; keep the payload unsigned as a local record.
            return SignedRole<T>.FromSignatures(signed, [], MetadataWriter.ToCanonicalBytes(signed), Settings.FileFormat);
        }

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

    /// <summary>One target content to publish: from a source file (re-hashed), a staged blob, or an already published file.</summary>
    private sealed record TargetWrite(string TargetPath, long Length, string Sha256, string Sha512, string? Source, bool FromBlob, bool Link = false);

    private List<TargetWrite> CollectTargetWrites(List<string> stagedNames, bool consistent)
    {
        var writes = new List<TargetWrite>();
        var missing = new List<string>();
        var changed = new List<string>();

        // Older staging areas hold copies in blobs/: one directory listing instead of a stat per target.
        var blobs = System.IO.Directory.Exists(_layout.BlobsDir)
            ? System.IO.Directory.EnumerateFiles(_layout.BlobsDir).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string?>(StringComparer.Ordinal);
        var sources = Sources;
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

                if (sources.TryGet(sha256, out var source))
                {
                    // A cheap identity check before anything is written; the copy re-hashes the content anyway.
                    var info = new FileInfo(source.FilePath);
                    if (!info.Exists)
                    {
                        missing.Add(path);
                    }
                    else if (info.Length != source.Length || info.LastWriteTimeUtc.Ticks != source.LastWriteTicks)
                    {
                        changed.Add(path);
                    }
                    else
                    {
                        writes.Add(new TargetWrite(path, source.Length, sha256, sha512, source.FilePath, FromBlob: false, source.Link));
                    }
                }
                else if (blobs.Contains(sha256))
                {
                    writes.Add(new TargetWrite(path, file.Length, sha256, sha512, Path.Combine(_layout.BlobsDir, sha256), FromBlob: true));
                }
                else if (consistent && File.Exists(_layout.TargetPath(path, sha256)))
                {
                    writes.Add(new TargetWrite(path, file.Length, sha256, sha512, null, FromBlob: false));
                }
                else
                {
                    missing.Add(path);
                }
            }
        }

        if (changed.Count > 0)
        {
            throw new SigningException($"nothing committed: {changed.Count} target file(s) changed since 'tuf repo add' (first: '{ErrorText.Untrusted(changed[0])}'); add them again");
        }

        if (missing.Count > 0)
        {
            throw new SigningException($"nothing committed: the content of {missing.Count} target(s) is missing (first: '{ErrorText.Untrusted(missing[0])}'; 'tuf repo add' records where each file is and commit reads it from there); add them again");
        }

        return writes;
    }

    /// <summary>
    /// Publishes target contents (consistent snapshots: <c>SHA256.name</c>, plus <c>SHA512.name</c> hard-linked to it
    /// unless the settings say <c>first</c>), copying each source file with one read and one write while re-hashing it,
    /// on every core. Folders are created once up front. When a source no longer matches its hashes, the files this
    /// call created are removed and nothing is committed (no metadata has been written yet).
    /// </summary>
    private int PublishTargets(List<TargetWrite> writes, bool consistent, CancellationToken cancellationToken)
    {
        // The same content under several paths is read once: the first path is written, the others linked to it.
        var firsts = new List<TargetWrite>();
        var duplicates = new List<TargetWrite>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var write in writes)
        {
            (seen.Add(write.Sha256) ? firsts : duplicates).Add(write);
        }

        var directories = new HashSet<string>(StringComparer.Ordinal);
        foreach (var write in writes)
        {
            if (directories.Add(Path.GetDirectoryName(_layout.TargetPath(write.TargetPath, null))!))
            {
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(_layout.TargetPath(write.TargetPath, null))!);
            }
        }

        bool secondName = consistent && Settings.PublishAllHashNames;
        var created = new System.Collections.Concurrent.ConcurrentBag<string>();
        var destinations = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        try
        {
            Parallel.ForEach(firsts, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, write =>
            {
                string destination = _layout.TargetPath(write.TargetPath, consistent ? write.Sha256 : null);
                if (write.FromBlob)
                {
                    File.Move(write.Source!, destination, overwrite: true);
                }
                else if (write.Source is not null && write.Link && consistent && TargetHasher.TryLinkVerified(write.Source, write.Length, write.Sha256, destination))
                {
                    created.Add(destination);
                }
                else if (write.Source is not null && TargetHasher.CopyVerified(write.Source, write.Length, write.Sha256, destination, direct: consistent, cancellationToken))
                {
                    created.Add(destination);
                }

                destinations[write.Sha256] = destination;
                if (secondName)
                {
                    LinkSecondName(destination, _layout.TargetPath(write.TargetPath, write.Sha512), created);
                }
            });
        }
        catch (AggregateException ex)
        {
            RemoveCreated(created);
            var first = ex.Flatten().InnerExceptions[0];
            if (first is SigningException or IOException or UnauthorizedAccessException or OperationCanceledException)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
            }

            throw;
        }
        catch
        {
            RemoveCreated(created);
            throw;
        }

        foreach (var write in duplicates)
        {
            string first = destinations[write.Sha256];
            string destination = _layout.TargetPath(write.TargetPath, consistent ? write.Sha256 : null);
            if (first != destination)
            {
                string temp = destination + "." + Guid.NewGuid().ToString("N") + ".tmp";
                if (!HardLink.TryCreate(first, temp))
                {
                    File.Copy(first, temp);
                }

                File.Move(temp, destination, overwrite: true);
            }

            if (secondName)
            {
                LinkSecondName(destination, _layout.TargetPath(write.TargetPath, write.Sha512), created);
            }
        }

        return writes.Count;
    }

    /// <summary>Hard-links (or copies) the SHA-512 name; an existing file of that name is replaced atomically.</summary>
    private static void LinkSecondName(string destination, string second, System.Collections.Concurrent.ConcurrentBag<string> created)
    {
        if (HardLink.TryCreate(destination, second))
        {
            created.Add(second);
            return;
        }

        string temp = second + "." + Guid.NewGuid().ToString("N") + ".tmp";
        if (!HardLink.TryCreate(destination, temp))
        {
            File.Copy(destination, temp);
        }

        File.Move(temp, second, overwrite: true);
    }

    private static void RemoveCreated(IEnumerable<string> created)
    {
        foreach (var path in created)
        {
            AtomicFile.TryDelete(path);
        }
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
        AtomicFile.TryDelete(_layout.SourcesPath);
        _sources = null;
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
