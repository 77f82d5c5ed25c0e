using System.CommandLine;
using System.Globalization;
using Tuf.Cli.Output;
using Tuf.Client;

namespace Tuf.Cli.Commands;

/// <summary>
/// <c>tuf verify --metadata-url URL --root FILE [--metadata-dir DIR] TARGET FILE</c>, like <c>notary verify</c>:
/// refreshes trusted metadata and checks that a local file is exactly the signed target (length and every listed
/// hash). The target itself is never downloaded. Exit 0 only on a match.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var metadataUrl = new Option<string>("--metadata-url") { Description = "The repository's metadata base URL", Required = true };
        var root = new Option<FileInfo?>("--root") { Description = "Trusted root.json to start from (needed unless --metadata-dir already holds a trusted root)" };
        var metadataDir = new Option<DirectoryInfo?>("--metadata-dir") { Description = "Directory of trusted metadata to use and update (default: a temporary one, from --root)" };
        var maxMetadataBytes = new Option<long?>("--max-metadata-bytes") { Description = "Largest metadata file accepted, for every role (bytes)" };
        var warnDays = DownloadCommand.ExpiryWarningOption();
        var json = JsonOut.Option();
        var target = new Argument<string>("TARGET") { Description = "The target path, as the repository lists it" };
        var file = new Argument<FileInfo>("FILE") { Description = "The local file to check" };
        var command = new Command("verify", "Check that a local file is exactly a signed target (never downloads it)")
        {
            metadataUrl, root, metadataDir, maxMetadataBytes, warnDays, json, target, file,
        };
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var local = parse.GetValue(file)!;
            if (!local.Exists)
            {
                throw new FileNotFoundException($"no such file: {local.FullName}", local.FullName);
            }

            var options = new UpdaterOptions();
            if (parse.GetValue(maxMetadataBytes) is { } max)
            {
                if (max < 1)
                {
                    throw new UsageException("--max-metadata-bytes must be at least 1");
                }

                options.RootMaxLength = options.TimestampMaxLength = options.SnapshotMaxLength = options.TargetsMaxLength = max;
                options.MaxMetadataLength = max;
            }

            var given = parse.GetValue(metadataDir);
            string dir = given?.FullName ?? Path.Combine(Path.GetTempPath(), "tuf-verify-" + Guid.NewGuid().ToString("N"));
            try
            {
                byte[]? bootstrap = null;
                if (!File.Exists(Path.Combine(dir, "root.json")))
                {
                    bootstrap = parse.GetValue(root) is { } r
                        ? DownloadCommand.ReadRoot(r)
                        : throw new UsageException($"--root is needed: {dir} holds no trusted root.json");
                }

                var url = DownloadCommand.ParseUrl(parse.GetValue(metadataUrl)!, "--metadata-url");
                using var updater = new Updater(dir, url, bootstrapRoot: bootstrap, options: options);
                await updater.RefreshAsync(cancellationToken).ConfigureAwait(false);
                DownloadCommand.WarnIfExpiringSoon(updater, parse.GetValue(warnDays));
                string name = parse.GetValue(target)!;
                var info = await updater.GetTargetInfoAsync(name, cancellationToken).ConfigureAwait(false)
                    ?? throw TargetNotFoundExceptionFor(name);
                bool matches = await updater.FindCachedTargetAsync(info, local.FullName, cancellationToken).ConfigureAwait(false) is not null;
                if (parse.GetValue(json))
                {
                    JsonOut.Write(w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("name", info.Path);
                        w.WriteString("file", local.FullName);
                        w.WriteBoolean("verified", matches);
                        w.WriteNumber("length", info.Length);
                        w.WriteNumber("file_length", local.Length);
                        w.Hashes(info.Hashes);
                        w.WriteEndObject();
                    });
                }

                if (!matches)
                {
                    string why = local.Length != info.Length
                        ? string.Create(CultureInfo.InvariantCulture, $"{local.Length} bytes, the repository lists {info.Length}")
                        : string.Create(CultureInfo.InvariantCulture, $"same length ({info.Length} bytes) but its hashes differ");
                    Console.Error.WriteLine($"tuf: {local.FullName} is not the signed target {name}: {why}");
                    return ExitCodes.Failure;
                }

                if (!parse.GetValue(json))
                {
                    string sha = info.Hashes.TryGetValue("sha256", out var h) ? $", sha256 {h}" : "";
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"verified: {local.FullName} is the signed target {name} ({info.Length} bytes{sha})"));
                }

                return ExitCodes.Ok;
            }
            finally
            {
                if (given is null && Directory.Exists(dir))
                {
                    Directory.Delete(dir, recursive: true);
                }
            }
        });
        return command;
    }

    private static TargetNotFoundException TargetNotFoundExceptionFor(string name) =>
        new($"target '{name}' is not listed by the repository's trusted metadata") { TargetPath = name };
}
