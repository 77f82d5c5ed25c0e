using Tuf.Internal;

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

        var committed = new Dictionary<string, long>(StringComparer.Ordinal);

        // 1. Read the staged roles; check that each target's content is still where 'add' found it (nothing is
        //    written when one is missing or changed).
        LoadRoles(stagedNames);
        var states = stagedNames.Select(GetRole).ToArray();
        var authorities = AuthoritiesFor(stagedNames);
        var root = EffectiveRoot;
        bool consistent = root.ConsistentSnapshot;
        var targetWrites = CollectTargetWrites(stagedNames, consistent);
        cancellationToken.ThrowIfCancellationRequested();
        PhaseTimer.Mark("collect target writes");

        // 2. Sign every staged role, then snapshot and timestamp, checking every threshold. Target files do not
        //    depend on signatures, so when the keys given (and the signatures already staged) can meet every
        //    threshold they are published meanwhile; if signing fails after all, they are removed again.
        using var directories = new DirectoryHandles();
        var publishing = ThresholdsLookReachable(states, authorities, signers, root)
            ? Task.Run(() => PublishTargets(targetWrites, consistent, directories, cancellationToken), CancellationToken.None)
            : null;
        SignedCommit signedCommit;
        try
        {
            signedCommit = await SignAllAsync(states, authorities, signers, root, refresh, committed, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await AbandonAsync(publishing).ConfigureAwait(false);
            throw;
        }

        var (signedRoles, snapshotRole, timestampRole) = signedCommit;
        PhaseTimer.Mark("sign roles, snapshot, timestamp");

        // 3. Write. New versioned metadata other than root is referenced by nothing until timestamp.json changes, so
        //    it is written (and flushed) in the background while the target files are (still) published. Then the new root
        //    (clients probe for the next N.root.json, so it appears only once everything else is in place), one
        //    flush for everything, the unversioned pointers, and timestamp.json last.
        var early = new List<(string Path, ReadOnlyMemory<byte> Bytes)>();
        var late = new List<(string Path, ReadOnlyMemory<byte> Bytes)>();
        var pointers = new List<(string Path, ReadOnlyMemory<byte> Bytes)>();
        foreach (var (name, signedRole) in signedRoles)
        {
            if (name == "root")
            {
                late.Add((_layout.MetadataPath("root", signedRole.Signed.Version), signedRole.FileBytes));
                pointers.Add((_layout.MetadataPath("root", null), signedRole.FileBytes));
            }
            else
            {
                (consistent ? early : pointers).Add((_layout.MetadataPath(name, consistent ? signedRole.Signed.Version : null), signedRole.FileBytes));
            }
        }

        if (snapshotRole is not null && !IsServerSigned("snapshot"))
        {
            (consistent ? early : pointers).Add((_layout.MetadataPath("snapshot", consistent ? snapshotRole.Signed.Version : null), snapshotRole.FileBytes));
        }

        System.IO.Directory.CreateDirectory(_layout.MetadataDir);
        var earlyWrite = early.Count == 0 ? Task.CompletedTask : Task.Run(
            () =>
            {
                WriteFiles(early);
                FlushFileSystem(early);
            },
            CancellationToken.None);
        IEnumerable<string> createdTargets;
        try
        {
            createdTargets = publishing is null ? PublishTargets(targetWrites, consistent, directories, cancellationToken) : await publishing.ConfigureAwait(false);
        }
        catch
        {
            // (A leftover from an interrupted commit may be among these: it was never referenced either.)
            await AbandonAsync(earlyWrite).ConfigureAwait(false);
            RemoveCreated(early.Select(f => f.Path));
            throw;
        }

        PhaseTimer.Mark("publish targets");
        try
        {
            await earlyWrite.ConfigureAwait(false);
        }
        catch
        {
            RemoveCreated(early.Select(f => f.Path));
            RemoveCreated(createdTargets);
            throw;
        }

        PhaseTimer.Mark($"write {early.Count} metadata files (during publish)");
        WriteFiles(late);
        if (late.Count > 0 || targetWrites.Count > 0)
        {
            // The new root, and the target files (copies are written without a flush per file).
            FlushFileSystem([.. early, .. late]);
        }

        WriteFiles(pointers);
        if (pointers.Count > 0)
        {
            FlushFileSystem(pointers);
        }

        int targetsWritten = targetWrites.Count;
        int metadataWritten = early.Count + late.Count + pointers.Count;
        if (timestampRole is not null && !IsServerSigned("timestamp"))
        {
            DurableFile.Write(_layout.MetadataPath("timestamp", null), timestampRole.FileBytes.Span);
            metadataWritten++;
        }

        // Roles a server signs: only unsigned local records (the versions and hashes the server's copies will
        // list), written last, so that the next commit knows what is published locally.
        if (Settings.ServerSignedRoles.Count > 0)
        {
            System.IO.Directory.CreateDirectory(_layout.ServerSignedRecordsDir);
            if (snapshotRole is not null && IsServerSigned("snapshot"))
            {
                DurableFile.Write(_layout.ServerSignedRecordPath("snapshot"), snapshotRole.FileBytes.Span);
            }

            if (timestampRole is not null && IsServerSigned("timestamp"))
            {
                DurableFile.Write(_layout.ServerSignedRecordPath("timestamp"), timestampRole.FileBytes.Span);
            }
        }

        PhaseTimer.Mark("write timestamp");
        ClearStaging();
        PhaseTimer.Mark("clear staging");
        return new CommitResult(committed, metadataWritten, targetsWritten);
    }

    /// <summary>What <see cref="SignAllAsync"/> produced: the staged roles signed, and the new snapshot and timestamp (when made).</summary>
    private sealed record SignedCommit(Dictionary<string, SignedRole<Signed>> SignedRoles, SignedRole<Snapshot>? SnapshotRole, SignedRole<Timestamp>? TimestampRole);

    /// <summary>
    /// Signs staged roles with the keys given and checks every threshold, then makes and signs snapshot and timestamp.
    /// Roles are independent, so they are signed, checked and serialized on every core; signing and verifying happen
    /// one at a time (a signer, or a key's parsed verifier, need not be thread-safe). Writes nothing.
    /// </summary>
    /// <exception cref="SigningException">A role lacks its threshold.</exception>
    private async Task<SignedCommit> SignAllAsync(RoleState[] states, IReadOnlyList<RoleAuthority>[] authorities, IReadOnlyList<ISigner> signers, Root root, bool refresh, Dictionary<string, long> committed, CancellationToken cancellationToken)
    {
        var format = Settings.FileFormat;
        var problems = new List<string>();
        var signed = new SignedRole<Signed>[states.Length];
        var roleProblems = new List<string>?[states.Length];
        using (var cryptoGate = new SemaphoreSlim(1, 1))
        {
            await ParallelWork.ForEachAsync(Enumerable.Range(0, states.Length), async (i, ct) =>
            {
                var state = states[i];
                await cryptoGate.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    foreach (var signer in signers)
                    {
                        if (IsAuthorized(authorities[i], signer.KeyId) && !state.Signatures.Any(s => s.KeyId == signer.KeyId))
                        {
                            await AddSignatureAsync(state, signer, ct).ConfigureAwait(false);
                        }
                    }

                    foreach (var (authority, valid) in CountSignatures(state, authorities[i]))
                    {
                        if (valid < authority.Role.Threshold)
                        {
                            (roleProblems[i] ??= []).Add($"{authority.Description} has {valid} of {authority.Role.Threshold} signatures");
                        }
                    }
                }
                finally
                {
                    cryptoGate.Release();
                }

                signed[i] = SignedRole<Signed>.FromSignatures(state.Signed, [.. state.Signatures], state.SignedBytes(), format);
            }, cancellationToken).ConfigureAwait(false);
        }

        var signedRoles = new Dictionary<string, SignedRole<Signed>>(StringComparer.Ordinal);
        for (int i = 0; i < states.Length; i++)
        {
            problems.AddRange(roleProblems[i] ?? []);
            signedRoles[states[i].Name] = signed[i];
            committed[states[i].Name] = states[i].Signed.Version;
        }

        ThrowIfProblems(problems);
        PhaseTimer.Mark("sign staged roles");

        // Snapshot: the published entries plus the exact length and hash of every targets role written now.
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

        return new SignedCommit(signedRoles, snapshotRole, timestampRole);
    }

    /// <summary>
    /// Whether every staged role's thresholds can be met by the keys given plus the signatures already staged (not
    /// verified here), and snapshot's and timestamp's by the keys given: then target files are published while
    /// roles are signed. When it says no, the commit signs first, so that a missing key fails before any file is written.
    /// </summary>
    private bool ThresholdsLookReachable(RoleState[] states, IReadOnlyList<RoleAuthority>[] authorities, IReadOnlyList<ISigner> signers, Root root)
    {
        var given = signers.Select(s => s.KeyId).ToHashSet(StringComparer.Ordinal);
        for (int i = 0; i < states.Length; i++)
        {
            var staged = states[i].Signatures.Select(s => s.KeyId).ToHashSet(StringComparer.Ordinal);
            foreach (var authority in authorities[i])
            {
                int keys = authority.Role.KeyIds.Count(k => authority.Keys.ContainsKey(k) && (given.Contains(k) || staged.Contains(k)));
                if (keys < authority.Role.Threshold)
                {
                    return false;
                }
            }
        }

        foreach (var role in (string[])["snapshot", "timestamp"])
        {
            if (!IsServerSigned(role) && (!root.Roles.TryGetValue(role, out var r) || r.KeyIds.Count(given.Contains) < r.Threshold))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Waits for work started in the background (publishing targets, writing metadata) after a failure, removing the files it created.</summary>
    private static async Task AbandonAsync(Task? work)
    {
        if (work is null)
        {
            return;
        }

        try
        {
            await work.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The failure being reported is the first one; this work removed what it created when it failed.
            return;
        }

        if (work is Task<IEnumerable<string>> publishing)
        {
            RemoveCreated(publishing.Result);
        }
    }

    /// <summary>
    /// Reads what <see cref="CommitAsync"/> needs from the staging area (every staged role, where target contents
    /// are), so that a caller can do it while unlocking keys. Optional: the commit loads whatever is not loaded yet.
    /// </summary>
    public void PrepareCommit()
    {
        // The staged roles (parsed on every core) and the list of sources (one JSON file) at the same time.
        var names = StagedRoleNames().ToList();
        StagedSources? sources = _sources;
        ParallelWork.Invoke(() => LoadRoles(names), () => sources ??= StagedSources.Load(_layout.SourcesPath));
        _sources = sources;
    }

    /// <summary>Writes each file atomically without a flush per file, one at a time (creating files in one folder from several threads only makes them wait for its lock).</summary>
    private static void WriteFiles(List<(string Path, ReadOnlyMemory<byte> Bytes)> files)
    {
        foreach (var file in files)
        {
            DurableFile.Write(file.Path, file.Bytes.Span, durable: false);
        }
    }

    /// <summary>Makes what was written durable: one flush of the file system (per-file fsync where syncfs is missing).</summary>
    private void FlushFileSystem(List<(string Path, ReadOnlyMemory<byte> Bytes)> files)
    {
        if (!PosixFile.TrySyncFileSystem(_layout.MetadataDir))
        {
            foreach (var file in files)
            {
                using var stream = new FileStream(file.Path, FileMode.Open, FileAccess.ReadWrite);
                stream.Flush(flushToDisk: true);
            }
        }

        PhaseTimer.Mark("flush (syncfs)");
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

    /// <summary>One target content to publish: from a source file (re-hashed, or linked while unchanged), a staged blob, or an already published file.</summary>
    private sealed record TargetWrite(string TargetPath, long Length, string Sha256, string Sha512, string? Source, bool FromBlob, bool Link = false, FileIdentity? Identity = null);

    /// <summary>
    /// The target contents to publish: entries of the staged roles that are new or changed since the published
    /// version of their role. Roles are compared on every core. A source recorded with its file identity is checked
    /// when it is published; others are checked here (length and last write time) before anything is written.
    /// </summary>
    private List<TargetWrite> CollectTargetWrites(List<string> stagedNames, bool consistent)
    {
        // Older staging areas hold copies in blobs/: one directory listing instead of a stat per target.
        var blobs = System.IO.Directory.Exists(_layout.BlobsDir)
            ? System.IO.Directory.EnumerateFiles(_layout.BlobsDir).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string?>(StringComparer.Ordinal);
        var sources = Sources;
        bool publishedConsistent = _publishedRoot?.Signed.ConsistentSnapshot ?? consistent;
        var states = stagedNames.Where(n => n != "root").Select(GetRole).ToArray();
        var perRole = new (List<TargetWrite> Writes, List<string> Missing, List<string> Changed)[states.Length];
        ParallelWork.ForEach(Enumerable.Range(0, states.Length), i =>
        {
            var state = states[i];
            var (writes, missing, changed) = perRole[i] = ([], [], []);
            Targets? published = state.PublishedVersion > 0
                ? Parse<Targets>(_layout.MetadataPath(state.Name, publishedConsistent ? state.PublishedVersion : null)).Signed
                : null;
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
                    if (source.Identity is null)
                    {
                        // A cheap identity check before anything is written; the copy re-hashes the content anyway.
                        var info = new FileInfo(source.FilePath);
                        if (!info.Exists)
                        {
                            missing.Add(path);
                            continue;
                        }

                        if (info.Length != source.Length || info.LastWriteTimeUtc.Ticks != source.LastWriteTicks)
                        {
                            changed.Add(path);
                            continue;
                        }
                    }

                    writes.Add(new TargetWrite(path, source.Length, sha256, sha512, source.FilePath, FromBlob: false, source.Link, source.Identity));
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
        });

        var allChanged = perRole.SelectMany(r => r.Changed).ToList();
        if (allChanged.Count > 0)
        {
            throw new SigningException($"nothing committed: {allChanged.Count} target file(s) changed since 'tuf repo add' (first: '{ErrorText.Untrusted(allChanged[0])}'); add them again");
        }

        var allMissing = perRole.SelectMany(r => r.Missing).ToList();
        if (allMissing.Count > 0)
        {
            throw new SigningException($"nothing committed: the content of {allMissing.Count} target(s) is missing (first: '{ErrorText.Untrusted(allMissing[0])}'; 'tuf repo add' records where each file is and commit reads it from there); add them again");
        }

        return perRole.SelectMany(r => r.Writes).ToList();
    }

    /// <summary>
    /// Publishes target contents (consistent snapshots: <c>SHA256.name</c>, plus <c>SHA512.name</c> hard-linked to it
    /// unless the settings say <c>first</c>), copying each source file with one read and one write while re-hashing it
    /// (or linking it), on every core. Folders are created (and opened) once, and each thread works in folders of its
    /// own: two threads adding names to one folder wait for each other's lock on it. When a source no longer matches
    /// its hashes, the files this call created are removed and nothing is committed (no metadata has been written).
    /// </summary>
    /// <returns>The files created (paths built only when enumerated), so that the caller can remove them when a later step fails.</returns>
    private IEnumerable<string> PublishTargets(List<TargetWrite> writes, bool consistent, DirectoryHandles directories, CancellationToken cancellationToken)
    {
        // The same content under several paths is read once: the first path is written, the others linked to it.
        var firsts = new Dictionary<string, TargetWrite>(StringComparer.Ordinal);
        var duplicates = new List<TargetWrite>();
        var byFolder = new Dictionary<string, List<TargetWrite>>(StringComparer.Ordinal);
        foreach (var write in writes)
        {
            string folder = TargetFolder(write.TargetPath);
            if (!byFolder.TryGetValue(folder, out var list))
            {
                byFolder[folder] = list = [];
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(_layout.TargetPath(write.TargetPath, null))!);
            }

            if (firsts.TryAdd(write.Sha256, write))
            {
                list.Add(write);
            }
            else
            {
                duplicates.Add(write);
            }
        }

        var units = WorkUnits(byFolder.Values, Environment.ProcessorCount);
        // Per unit: names created by the general path, and (as indices into the unit, ~index for the second name)
        // targets linked by the fast path, whose names are only built again for a rollback.
        var created = new (string Folder, List<string> Names, List<int> Linked)[units.Count];
        var createdAfter = new List<string>();
        bool secondName = consistent && Settings.PublishAllHashNames;
        try
        {
            ParallelWork.ForEach(Enumerable.Range(0, units.Count), u =>
            {
                // A unit is one folder (or a piece of one): its handle is looked up once.
                string folder = Path.GetDirectoryName(_layout.TargetPath(units[u][0].TargetPath, null))!;
                int folderFd = directories.Open(folder);
                var mine = (created[u] = (folder, [], [])).Names;
                var linked = created[u].Linked;
                var sources = new SourceFolderCache(directories);
                Span<byte> sourceName = stackalloc byte[NameBytes];
                Span<byte> firstName = stackalloc byte[NameBytes];
                Span<byte> secondNameZ = stackalloc byte[NameBytes];
                for (int i = 0; i < units[u].Count; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var write = units[u][i];
                    var baseName = BaseName(write.TargetPath.AsSpan());

                    // The common case, naming files without building a path: an unchanged source linked under both names
                    // (when the second link fails, the general second-name step below decides).
                    bool linkedFast = false;
                    if (write is { Link: true, Source: { } source, Identity: { } recorded } && consistent && folderFd >= 0
                        && sources.TryResolve(source, sourceName, out int sourceDir)
                        && PosixFile.TryEncodeName(firstName, write.Sha256, ".", baseName)
                        && (!secondName || PosixFile.TryEncodeName(secondNameZ, write.Sha512, ".", baseName))
                        && TargetHasher.TryLinkUnchangedAt(source, sourceDir, sourceName, recorded, folderFd, firstName, static s => Path.Join(s.folder, HashName(s.write.Sha256, s.write.TargetPath)), (folder, write)))
                    {
                        linked.Add(i);
                        linkedFast = true;
                        if (!secondName)
                        {
                            continue;
                        }

                        if (PosixFile.HardLinkAt(folderFd, firstName, folderFd, secondNameZ) == 0)
                        {
                            linked.Add(~i);
                            continue;
                        }
                    }

                    var destination = new TargetDestination(folder, folderFd, consistent ? HashName(write.Sha256, baseName) : baseName.ToString());
                    if (linkedFast)
                    {
                        // Only the second name is left.
                    }
                    else if (write.FromBlob)
                    {
                        File.Move(write.Source!, destination.FullPath, overwrite: true);
                    }
                    else if (write.Source is not null && write.Link && consistent
                        && (write.Identity is { } identity
                            ? TargetHasher.TryLinkUnchanged(write.Source, identity, write.Length, write.Sha256, destination, directories)
                            : TargetHasher.TryLinkVerified(write.Source, write.Length, write.Sha256, destination.FullPath)))
                    {
                        mine.Add(destination.Name);
                    }
                    else if (write.Source is not null && TargetHasher.CopyVerified(write.Source, write.Length, write.Sha256, destination.FullPath, direct: consistent, cancellationToken))
                    {
                        mine.Add(destination.Name);
                    }

                    if (secondName)
                    {
                        var second = destination with { Name = HashName(write.Sha512, baseName) };
                        if (LinkSecondName(destination, second))
                        {
                            mine.Add(second.Name);
                        }
                    }
                }
            }, cancellationToken);
        }
        catch
        {
            RemoveCreated(AllCreated());
            throw;
        }

        try
        {
            foreach (var write in duplicates)
            {
                string first = _layout.TargetPath(firsts[write.Sha256].TargetPath, consistent ? write.Sha256 : null);
                string destination = _layout.TargetPath(write.TargetPath, consistent ? write.Sha256 : null);
                if (first != destination)
                {
                    string temp = destination + "." + Guid.NewGuid().ToString("N") + ".tmp";
                    if (!PosixFile.TryHardLink(first, temp))
                    {
                        File.Copy(first, temp);
                    }

                    File.Move(temp, destination, overwrite: true);
                }

                if (secondName)
                {
                    string folder = Path.GetDirectoryName(destination)!;
                    var linked = new TargetDestination(folder, directories.Open(folder), Path.GetFileName(destination));
                    var second = linked with { Name = HashName(write.Sha512, write.TargetPath) };
                    if (LinkSecondName(linked, second))
                    {
                        createdAfter.Add(second.FullPath);
                    }
                }
            }
        }
        catch
        {
            RemoveCreated(AllCreated());
            throw;
        }

        return AllCreated();

        IEnumerable<string> AllCreated() =>
            Enumerable.Range(0, units.Count).Where(u => created[u].Names is not null).SelectMany(u =>
                created[u].Names.Concat(created[u].Linked.Select(i => i >= 0
                    ? HashName(units[u][i].Sha256, units[u][i].TargetPath)
                    : HashName(units[u][~i].Sha512, units[u][~i].TargetPath)))
                .Select(n => Path.Join(created[u].Folder, n)))
            .Concat(createdAfter);
    }

    /// <summary>The folder part of a target path (<c>a/b</c> for <c>a/b/c.txt</c>, empty at the top).</summary>
    private static string TargetFolder(string targetPath)
    {
        int slash = targetPath.LastIndexOf('/');
        return slash < 0 ? string.Empty : targetPath[..slash];
    }

    /// <summary>The name a target is published under in its folder with consistent snapshots: <c>HASH.name</c>.</summary>
    private static string HashName(string hash, ReadOnlySpan<char> targetPath) => string.Concat(hash, ".", BaseName(targetPath));

    /// <summary>The file name part of a target path, without copying it.</summary>
    private static ReadOnlySpan<char> BaseName(ReadOnlySpan<char> targetPath) => targetPath[(targetPath.LastIndexOf('/') + 1)..];

    /// <summary>Room for one encoded file name (NAME_MAX is 255 bytes on Linux file systems; longer names take the general path).</summary>
    private const int NameBytes = 512;

    /// <summary>
    /// The folder handle and encoded name of each source, for one thread: sources come folder by folder, so the last
    /// folder's handle is kept and compared without building its path again.
    /// </summary>
    private sealed class SourceFolderCache(DirectoryHandles directories)
    {
        private string? _folder;
        private int _fd = -1;

        /// <summary>False when the source's folder has no handle or its name does not fit: the general path handles it.</summary>
        public bool TryResolve(string source, Span<byte> nameZ, out int folderFd)
        {
            int slash = source.LastIndexOf('/');
            folderFd = -1;
            if (slash <= 0 || slash == source.Length - 1)
            {
                return false;
            }

            if (_folder is null || !source.AsSpan(0, slash).SequenceEqual(_folder))
            {
                _folder = source[..slash];
                _fd = directories.Open(_folder);
            }

            folderFd = _fd;
            return folderFd >= 0 && PosixFile.TryEncodeName(nameZ, source.AsSpan(slash + 1));
        }
    }

    /// <summary>
    /// Splits per-folder work into units for the threads: whole folders while there are plenty, so that no two
    /// threads add names to one folder; folders cut into pieces when there are too few folders to keep every core busy.
    /// </summary>
    private static List<List<TargetWrite>> WorkUnits(IReadOnlyCollection<List<TargetWrite>> folders, int cores)
    {
        const int UnitsPerCore = 4;
        if (folders.Count >= cores * UnitsPerCore)
        {
            return [.. folders.OrderByDescending(f => f.Count)];
        }

        int total = folders.Sum(f => f.Count);
        int size = Math.Max(64, total / (cores * UnitsPerCore));
        return [.. folders.SelectMany(f => f.Chunk(size).Select(c => c.ToList()))];
    }

    /// <summary>
    /// Hard-links (or copies) the SHA-512 name; an existing file of that name (the same content: its name is its
    /// hash) is replaced atomically. True when the name is new (a failed commit removes it again).
    /// </summary>
    private static bool LinkSecondName(TargetDestination first, TargetDestination second)
    {
        var (fromDir, fromName) = first.At;
        var (toDir, toName) = second.At;
        if (PosixFile.Supported && PosixFile.HardLinkAt(fromDir, fromName, toDir, toName) == 0)
        {
            return true;
        }

        string temp = second.FullPath + "." + Guid.NewGuid().ToString("N") + ".tmp";
        if (!PosixFile.TryHardLink(first.FullPath, temp))
        {
            File.Copy(first.FullPath, temp);
        }

        File.Move(temp, second.FullPath, overwrite: true);
        return false;
    }

    private static void RemoveCreated(IEnumerable<string> created)
    {
        foreach (var path in created)
        {
            DurableFile.TryDelete(path);
        }
    }

    private void ClearStaging()
    {
        DurableFile.TryDelete(_layout.StagedRolesPath);
        DeleteLegacyStagedRoles();
        _staged = null;

        if (System.IO.Directory.Exists(_layout.BlobsDir))
        {
            System.IO.Directory.Delete(_layout.BlobsDir, recursive: true);
        }

        DurableFile.TryDelete(_layout.PendingPath);
        DurableFile.TryDelete(_layout.SourcesPath);
        _sources = null;
        if (_settingsDirty || !File.Exists(_layout.SettingsPath))
        {
            DurableFile.Write(_layout.SettingsPath, Settings.ToBytes());
            _settingsDirty = false;
        }

        _roles.Clear();
        _pending.Clear();
        _pendingDirty = false;
        LoadPublished();
    }
}
