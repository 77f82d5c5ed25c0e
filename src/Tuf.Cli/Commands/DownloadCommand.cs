using System.CommandLine;
using System.Globalization;
using Tuf.Cli.Output;
using Tuf.Client;

namespace Tuf.Cli.Commands;

/// <summary><c>tuf download</c>: refresh trusted metadata, resolve each target through delegations, download and verify it.</summary>
internal static class DownloadCommand
{
    public static Command Create()
    {
        var root = new Option<FileInfo>("--root") { Description = "Trusted root.json used when the metadata directory holds no trusted root yet", Required = true };
        var metadataUrl = new Option<string>("--metadata-url") { Description = "The repository's metadata base URL", Required = true };
        var targetsUrl = new Option<string>("--targets-url") { Description = "The repository's targets base URL", Required = true };
        var metadataDir = new Option<DirectoryInfo>("--metadata-dir") { Description = "Directory of trusted metadata (created if missing)", Required = true };
        var targetDir = new Option<DirectoryInfo>("--target-dir") { Description = "Directory where verified targets are stored", Required = true };
        var maxMetadataBytes = new Option<long?>("--max-metadata-bytes") { Description = "Largest metadata file accepted, for every role (bytes)" };
        var targets = new Argument<string[]>("TARGET") { Description = "Target paths to download", Arity = ArgumentArity.OneOrMore };
        var warnDays = ExpiryWarningOption();
        var json = JsonOut.Option();

        var command = new Command("download", "Refresh trusted metadata and download verified targets (each lands in --target-dir under its target path)")
        {
            root, metadataUrl, targetsUrl, metadataDir, targetDir, maxMetadataBytes, warnDays, json, targets,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var options = new UpdaterOptions();
                if (parse.GetValue(maxMetadataBytes) is { } max)
                {
                    if (max < 1)
                    {
                        throw new UsageException("--max-metadata-bytes must be at least 1");
                    }

                    options.RootMaxLength = options.TimestampMaxLength = options.SnapshotMaxLength = options.TargetsMaxLength = max;
                    options.MaxMetadataLength = max; // also when the timestamp or snapshot lists a larger length
                }

                return await RunAsync(
                    parse.GetValue(root)!, ParseUrl(parse.GetValue(metadataUrl)!, "--metadata-url"), ParseUrl(parse.GetValue(targetsUrl)!, "--targets-url"), parse.GetValue(metadataDir)!,
                    parse.GetValue(targetDir)!, parse.GetValue(targets)!, options, parse.GetValue(warnDays), parse.GetValue(json), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                return CliErrors.Report(ex);
            }
        });
        return command;
    }

    /// <summary>The bootstrap root named by <c>--root</c>, with an error that names the option.</summary>
    internal static byte[] ReadRoot(FileInfo root) =>
        root.Exists
            ? File.ReadAllBytes(root.FullName)
            : throw new FileNotFoundException($"--root: no such file: {root.FullName} (the trusted root.json to start from, checked out of band)", root.FullName);

    internal static Uri ParseUrl(string value, string option) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new UsageException($"{option} must be an absolute http(s) URL: {value}");

    /// <summary><c>--expiry-warning-days</c>: warn when the repository's root or targets metadata expires that soon.</summary>
    internal static Option<int> ExpiryWarningOption() => new("--expiry-warning-days")
    {
        Description = "Warn on stderr when the repository's root or targets metadata expires within this many days (0: never)",
        HelpName = "DAYS",
        DefaultValueFactory = _ => 7,
    };

    /// <summary>Warns (stderr) when the trusted root or targets expire within <paramref name="days"/>.</summary>
    internal static void WarnIfExpiringSoon(Updater updater, int days)
    {
        if (days <= 0)
        {
            return;
        }

        var now = TimeProvider.System.GetUtcNow();
        foreach (var (role, expires) in new[] { ("root", updater.TrustedRoot?.Expires), ("targets", updater.TrustedTargets?.Expires) })
        {
            if (expires is { } e && e - now < TimeSpan.FromDays(days))
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"tuf: warning: the repository's {role} metadata expires {e.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} (in {(e - now).TotalDays:0.#} days); after that clients refuse it until its maintainers re-sign it"));
            }
        }
    }

    internal static async Task<int> RunAsync(
        FileInfo root, Uri metadataUrl, Uri targetsUrl, DirectoryInfo metadataDir, DirectoryInfo targetDir,
        IReadOnlyList<string> targets, UpdaterOptions options, int warnDays, bool json, CancellationToken cancellationToken)
    {
        // Nothing is created before the trusted root is known to be usable: the Updater makes the folders it writes to.
        byte[]? bootstrap = File.Exists(Path.Combine(metadataDir.FullName, "root.json")) ? null : ReadRoot(root);
        using var fetcher = new ProgressFetcher(options, targetsUrl);
        using var updater = new Updater(metadataDir.FullName, metadataUrl, targetDir.FullName, targetsUrl, bootstrap, fetcher, options);
        await updater.RefreshAsync(cancellationToken).ConfigureAwait(false);
        WarnIfExpiringSoon(updater, warnDays);
        var results = new List<VerifiedTarget>();
        foreach (string target in targets)
        {
            var verified = await updater.DownloadVerifiedAsync(target, cancellationToken).ConfigureAwait(false);
            results.Add(verified);
            if (!json)
            {
                Console.Out.WriteLine($"{(verified.Downloaded ? "downloaded" : "up to date")} {target} -> {verified.LocalPath}");
            }
        }

        if (json)
        {
            JsonOut.Write(w =>
            {
                w.WriteStartObject();
                w.Objects("targets", results, (w, v) =>
                {
                    w.WriteString("name", v.Info.Path);
                    w.WriteNumber("length", v.Info.Length);
                    w.Hashes(v.Info.Hashes);
                    w.WriteString("path", v.LocalPath);
                    w.WriteBoolean("downloaded", v.Downloaded);
                });
                w.WriteEndObject();
            });
        }

        return ExitCodes.Ok;
    }
}
