using System.Collections.Concurrent;
using System.Text.Json;
using Tuf.Internal;

namespace Tuf.Signing;

public sealed partial class RepositoryEditor
{
    /// <summary>
    /// Adds (or replaces) target files. Each file is read once and hashed with SHA-256 and SHA-512 in place; the
    /// staging area records its path, length and last write time, and <see cref="CommitAsync"/> copies it into
    /// <c>targets/</c>, refusing if its content changed in between. Keep the files until the commit. A target goes to <paramref name="role"/> (default <c>targets</c>); when that role delegates to
    /// hash bins, to the bin responsible for its path. Every input is checked before anything is staged.
    /// </summary>
    /// <param name="sources">The files and their target paths.</param>
    /// <param name="role">The targets role to add to; <see langword="null"/> for <c>targets</c> (or its bins).</param>
    /// <param name="custom">A JSON object stored as each target's <c>custom</c> field.</param>
    /// <param name="progress">Receives the number of files hashed so far.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The target entries, in input order.</returns>
    /// <exception cref="SigningException">A missing file, an unsafe target path, an unknown role or a path not delegated to it.</exception>
    public Task<IReadOnlyList<TargetFile>> AddTargetsAsync(
        IReadOnlyList<TargetSource> sources, string? role = null, JsonElement? custom = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (custom is { } c && c.ValueKind != JsonValueKind.Object)
        {
            throw new SigningException("--custom must be a JSON object");
        }

        var seen = new HashSet<string>(sources.Count, StringComparer.Ordinal);
        foreach (var source in sources)
        {
            Names.CheckTargetPath(source.TargetPath);
            if (!seen.Add(source.TargetPath))
            {
                throw new SigningException($"target path '{ErrorText.Untrusted(source.TargetPath)}' given twice");
            }
        }

        // Where each path goes: the role given (its delegation chain checked here, in order), or its hash bin.
        string start = CheckTargetRole(role);
        if (start != "targets")
        {
            foreach (var source in sources)
            {
                _ = ResolveTargetRole(source.TargetPath, start);
            }
        }

        var bins = GetRole(start).Targets.Delegations?.SuccinctRoles;

        // Read and hash every file on every core; the first failure in input order is the one reported.
        var roles = new string[sources.Count];
        var results = new TargetHasher.Result[sources.Count];
        var sourceEntries = new StagedSources.Entry[sources.Count];
        var entries = new TargetFile[sources.Count];
        int done = 0;
        var errors = new ConcurrentQueue<(int Index, SigningException Error)>();
        Parallel.For(0, sources.Count, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var source = sources[i];
            roles[i] = bins?.GetRoleForTarget(source.TargetPath) ?? start;
            try
            {
                var result = results[i] = TargetHasher.Hash(source.FilePath, cancellationToken);
                sourceEntries[i] = new StagedSources.Entry(Path.GetFullPath(source.FilePath), result.Length, result.LastWriteTicks, source.Link) { Identity = result.Identity };
                var entry = entries[i] = new TargetFile
                {
                    Path = source.TargetPath,
                    Length = result.Length,
                    Hashes = new CompactDictionary<string>(2) { ["sha256"] = result.Sha256, ["sha512"] = result.Sha512 },
                };
                if (custom is { } obj)
                {
                    entry.UnrecognizedFields["custom"] = obj.Clone();
                }
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                errors.Enqueue((i, new SigningException($"{source.FilePath}: no such file", ex)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                errors.Enqueue((i, new SigningException($"{source.FilePath}: {ex.Message}", ex)));
            }

            int n = Interlocked.Increment(ref done);
            if (progress is not null && (n % 256 == 0 || n == sources.Count))
            {
                progress.Report(n);
            }
        });

        if (!errors.IsEmpty)
        {
            throw errors.MinBy(e => e.Index).Error;
        }

        PhaseTimer.Mark("read + hash files");
        LoadRoles(roles);
        var staging = Sources;
        var staged = new Dictionary<string, Targets>(StringComparer.Ordinal);
        foreach (string name in roles)
        {
            if (!staged.ContainsKey(name))
            {
                staged[name] = Stage(name).Targets;
            }
        }

        // The sources list and the roles' target maps are separate tables: filled on two cores, each in input order.
        ParallelWork.Invoke(
            () =>
            {
                staging.Reserve(sources.Count);
                for (int i = 0; i < sources.Count; i++)
                {
                    staging.Add(results[i].Sha256, sourceEntries[i]);
                }
            },
            () =>
            {
                for (int i = 0; i < sources.Count; i++)
                {
                    staged[roles[i]].TargetFiles[entries[i].Path] = entries[i];
                }
            });

        return Task.FromResult<IReadOnlyList<TargetFile>>(entries);
    }

    /// <summary>
    /// Stages a target described by its length and hashes only, whose content lives elsewhere (like <c>notary addhash</c>):
    /// an image manifest in a registry, signed as Docker Content Trust signs tags. Commit signs it but publishes no file
    /// for it.
    /// </summary>
    /// <param name="targetPath">The target path (e.g. an image tag).</param>
    /// <param name="length">The content's length in bytes.</param>
    /// <param name="hashes">Its hashes (algorithm to lowercase hex), at least one of sha256, sha384, sha512.</param>
    /// <param name="role">The targets role to add to; <see langword="null"/> for <c>targets</c> (or its bins).</param>
    /// <param name="custom">A JSON object stored as the target's <c>custom</c> field.</param>
    /// <returns>The staged entry.</returns>
    /// <exception cref="SigningException">An unsafe path, a bad length or hash, an unknown role or a path not delegated to it.</exception>
    public TargetFile AddTargetHash(string targetPath, long length, IReadOnlyDictionary<string, string> hashes, string? role = null, JsonElement? custom = null)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        Names.CheckTargetPath(targetPath);
        if (length < 0)
        {
            throw new SigningException($"target '{ErrorText.Untrusted(targetPath)}': the length must not be negative");
        }

        if (hashes.Count == 0)
        {
            throw new SigningException($"target '{ErrorText.Untrusted(targetPath)}': at least one hash is needed");
        }

        var entryHashes = new CompactDictionary<string>(hashes.Count);
        foreach (var (algorithm, hex) in hashes)
        {
            int size = algorithm switch { "sha256" => 64, "sha384" => 96, "sha512" => 128, _ => 0 };
            if (size == 0 || hex.Length != size || !hex.All(char.IsAsciiHexDigitLower))
            {
                throw new SigningException($"target '{ErrorText.Untrusted(targetPath)}': '{ErrorText.Untrusted(algorithm)}' must be sha256, sha384 or sha512 with {(size == 0 ? "its" : size.ToString(System.Globalization.CultureInfo.InvariantCulture))} lowercase hex digits");
            }

            entryHashes[algorithm] = hex;
        }

        if (custom is { } c && c.ValueKind != JsonValueKind.Object)
        {
            throw new SigningException("--custom must be a JSON object");
        }

        string start = CheckTargetRole(role);
        string resolved = ResolveTargetRole(targetPath, start);
        var entry = new TargetFile { Path = targetPath, Length = length, Hashes = entryHashes };
        if (custom is { } obj)
        {
            entry.UnrecognizedFields["custom"] = obj.Clone();
        }

        Stage(resolved).Targets.TargetFiles[targetPath] = entry;
        return entry;
    }

    /// <summary>Removes target files from their role (or from <paramref name="role"/>).</summary>
    /// <param name="targetPaths">The target paths.</param>
    /// <param name="role">The role holding them; <see langword="null"/> for <c>targets</c> (or its bins).</param>
    /// <exception cref="SigningException">A path is not listed in the role.</exception>
    public void RemoveTargets(IReadOnlyList<string> targetPaths, string? role = null)
    {
        ArgumentNullException.ThrowIfNull(targetPaths);
        string start = CheckTargetRole(role);
        var resolved = new List<(string Path, string Role)>();
        foreach (var path in targetPaths)
        {
            Names.CheckTargetPath(path);
            string r = ResolveTargetRole(path, start);
            if (!GetRole(r).Targets.TargetFiles.ContainsKey(path))
            {
                throw new SigningException($"target '{ErrorText.Untrusted(path)}' is not in role '{r}'");
            }

            resolved.Add((path, r));
        }

        foreach (var (path, r) in resolved)
        {
            Stage(r).Targets.TargetFiles.Remove(path);
        }
    }

    /// <summary>The role targets are added to or removed from: <paramref name="role"/> (checked to exist and hold targets) or <c>targets</c>.</summary>
    private string CheckTargetRole(string? role)
    {
        string start = role ?? "targets";
        if (start is "root" or "snapshot" or "timestamp")
        {
            throw new SigningException($"role '{start}' cannot hold targets");
        }

        if (!RoleExists(start))
        {
            throw new SigningException($"unknown role '{ErrorText.Untrusted(start)}'");
        }

        _ = GetRole(start).Targets;
        return start;
    }

    /// <summary>The role a target path goes to: <paramref name="start"/> (checked to be reachable for the path), or its hash bin.</summary>
    private string ResolveTargetRole(string targetPath, string start)
    {
        if (start != "targets" && !IsDelegatedTo(start, targetPath))
        {
            throw new SigningException($"target path '{ErrorText.Untrusted(targetPath)}' is not delegated to role '{start}'");
        }

        return GetRole(start).Targets.Delegations?.SuccinctRoles is { } bins ? bins.GetRoleForTarget(targetPath) : start;
    }
}
