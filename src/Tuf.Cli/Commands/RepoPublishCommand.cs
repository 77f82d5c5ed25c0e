using System.CommandLine;
using Tuf.Signing;

namespace Tuf.Cli.Commands;

/// <summary>
/// <c>tuf repo publish DIR --server URL --collection GUN [--token T] [--no-targets]</c>: uploads to a Tuf.Server
/// what the repository committed since the last publish to that collection (metadata, and the content of new or
/// changed targets), and prints what the server published. The server signs snapshot (when it holds that key) and
/// timestamp. A rejection prints the server's error code and message and exits 1; nothing is recorded then.
/// </summary>
internal static class RepoPublishCommand
{
    /// <summary>Parts per request (the server's default limit is 1000).</summary>
    internal const int MaxPartsPerRequest = 500;

    /// <summary>Target bytes per request (the server's default body limit is 64 MiB).</summary>
    internal const long MaxTargetBytesPerRequest = 32L * 1024 * 1024;

    public static Command Create()
    {
        var dir = RepoCommand.DirArgument();
        var server = new Option<string>("--server") { Description = "The Tuf.Server base URL, e.g. http://127.0.0.1:5000", HelpName = "URL", Required = true };
        var collection = new Option<string>("--collection") { Description = "The collection (GUN), e.g. example.com/app", HelpName = "GUN", Required = true };
        var token = new Option<string>("--token") { Description = "Token with push scope (default: $TUF_SERVER_TOKEN)", HelpName = "TOKEN" };
        var noTargets = new Option<bool>("--no-targets") { Description = "Upload metadata only (target files are hosted elsewhere)" };
        var command = new Command("publish", "Upload committed changes (and target files) to a Tuf.Server collection") { dir, server, collection, token, noTargets };
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var url = RepoPublishClient.ParseServerUrl(parse.GetValue(server)!, "--server");
            string gun = parse.GetValue(collection)!;
            _ = RepoPublishClient.CollectionPath(gun);
            using var client = new RepoPublishClient(url, RepoPublishClient.Token(parse.GetValue(token)));
            await PublishAsync(parse.GetValue(dir)!, client, gun, !parse.GetValue(noTargets), Console.Out, cancellationToken).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Uploads what changed since the last publish to this server and collection; returns the server's versions of the last request.</summary>
    /// <exception cref="ServerRequestException">The server rejected an upload or could not be reached.</exception>
    /// <exception cref="SigningException">The repository has nothing committed or cannot be read.</exception>
    public static async Task<IReadOnlyDictionary<string, long>> PublishAsync(
        string directory, RepoPublishClient client, string gun, bool uploadTargets, TextWriter output, CancellationToken cancellationToken)
    {
        var editor = RepositoryEditor.Open(directory);
        var published = editor.GetPublishedMetadata();
        if (!published.Any(p => p.Role == "root"))
        {
            throw new SigningException($"{editor.Directory}: nothing committed yet (run 'tuf repo commit' first)");
        }

        var record = RepoPublishRecord.Load(directory, client.Server, gun);
        if (record.Roles.Count == 0 && await SeedFromServerAsync(record, client, gun, cancellationToken).ConfigureAwait(false))
        {
            output.WriteLine($"no publish record for collection {gun} on {client.Server} here: comparing with the server's current metadata");
        }

        var roots = published.Where(p => p.Role == "root" && p.Version > record.VersionOf("root")).ToList();
        var others = published.Where(p => p.Role != "root" && p.Version > record.VersionOf(p.Role)).ToList();

        var targets = new List<(string Path, string FilePath, string Hash, long Length)>();
        int missing = 0;
        if (uploadTargets)
        {
            foreach (var target in editor.GetPublishedTargets())
            {
                string hash = TargetHash(target.File);
                if (record.Targets.TryGetValue(target.File.Path, out var done) && done == hash)
                {
                    continue;
                }

                if (!File.Exists(target.FilePath))
                {
                    missing++;
                    continue;
                }

                targets.Add((target.File.Path, target.FilePath, hash, target.File.Length));
            }
        }

        if (roots.Count == 0 && others.Count == 0 && targets.Count == 0)
        {
            output.WriteLine($"nothing to publish: collection {gun} on {client.Server} is up to date");
            return new Dictionary<string, long>();
        }

        // A root may only advance one version per publish: intermediate roots go alone, the last one with the rest.
        var requests = new List<(List<PublishedMetadata> Files, List<(string Path, string FilePath, string Hash, long Length)> Targets)>();
        for (int i = 0; i < roots.Count - 1; i++)
        {
            requests.Add(([roots[i]], []));
        }

        // The last root goes with every other changed role and the first batch of targets; more targets follow alone.
        var metadata = new List<PublishedMetadata>();
        if (roots.Count > 0)
        {
            metadata.Add(roots[^1]);
        }

        metadata.AddRange(others);
        var batch = new List<(string Path, string FilePath, string Hash, long Length)>();
        long batchBytes = 0;
        foreach (var target in targets)
        {
            if (batch.Count > 0 && (metadata.Count + batch.Count + 1 > MaxPartsPerRequest || batchBytes + target.Length > MaxTargetBytesPerRequest))
            {
                requests.Add((metadata, batch));
                metadata = [];
                batch = [];
                batchBytes = 0;
            }

            batch.Add(target);
            batchBytes += target.Length;
        }

        if (batch.Count > 0 || metadata.Count > 0)
        {
            requests.Add((metadata, batch));
        }

        IReadOnlyDictionary<string, long> versions = new Dictionary<string, long>();
        foreach (var (files, batchTargets) in requests)
        {
            var uploads = files.Select(f => (f.Role, ReadMetadata(f.FilePath))).ToList();
            versions = await client.PublishAsync(gun, uploads, batchTargets.Select(t => (t.Path, t.FilePath)).ToList(), cancellationToken).ConfigureAwait(false);
            foreach (var f in files)
            {
                record.Roles[f.Role] = f.Version;
            }

            foreach (var t in batchTargets)
            {
                record.Targets[t.Path] = t.Hash;
            }

            record.Save();
            string summary = versions.Count > 0
                ? Summarize(versions.OrderBy(v => RoleOrder(v.Key)).ThenBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key} v{v.Value}"))
                : Summarize(files.Select(f => $"{f.Role} v{f.Version}"));
            string content = batchTargets.Count == 0 ? "" : $"{(summary.Length > 0 ? " and " : "")}{batchTargets.Count} target file(s)";
            output.WriteLine($"published {summary}{content} to collection {gun} on {client.Server}");
        }

        if (missing > 0)
        {
            output.WriteLine($"note: the content of {missing} target(s) is not under {Path.Combine(editor.Directory, "targets")}, so it was not uploaded");
        }

        return versions;
    }

    /// <summary>
    /// Without a record (a copy of the repository, or the record was deleted), the server's current root and
    /// snapshot tell which versions it already holds, so only newer ones are uploaded. This only decides what to
    /// send: the server verifies every upload. Target contents are uploaded again (their hashes are not recorded).
    /// </summary>
    /// <returns>Whether the collection exists on the server.</returns>
    private static async Task<bool> SeedFromServerAsync(RepoPublishRecord record, RepoPublishClient client, string gun, CancellationToken cancellationToken)
    {
        var rootBytes = await client.GetMetadataAsync(gun, "root.json", cancellationToken).ConfigureAwait(false);
        if (rootBytes is null || !MetadataParser.TryParse<Root>(rootBytes, out var root, out _))
        {
            return false;
        }

        record.Roles["root"] = root!.Signed.Version;
        var snapshotBytes = await client.GetMetadataAsync(gun, "snapshot.json", cancellationToken).ConfigureAwait(false);
        if (snapshotBytes is not null && MetadataParser.TryParse<Snapshot>(snapshotBytes, out var snapshot, out _))
        {
            record.Roles["snapshot"] = snapshot!.Signed.Version;
            foreach (var (file, meta) in snapshot.Signed.Meta)
            {
                if (file.EndsWith(".json", StringComparison.Ordinal) && file != "root.json")
                {
                    record.Roles[file[..^5]] = meta.Version;
                }
            }
        }

        return true;
    }

    private static string Summarize(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count <= 8 ? string.Join(", ", list) : $"{list.Count} roles";
    }

    private static int RoleOrder(string role) => role switch
    {
        "root" => 0,
        "targets" => 1,
        "snapshot" => 3,
        "timestamp" => 4,
        _ => 2,
    };

    private static string TargetHash(TargetFile file) =>
        file.Hashes.TryGetValue("sha256", out var h) ? h : file.Hashes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}:{p.Value}").FirstOrDefault() ?? "";

    private static byte[] ReadMetadata(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SigningException($"cannot read {path}: {ex.Message}", ex);
        }
    }
}
