using Tuf.Client;
using Tuf.Internal;

namespace Tuf.Cli.Commands;

/// <summary>
/// <c>tuf conformance</c>: the client interface of the public TUF conformance suite (see CONFORMANCE-CLI.md).
/// Options (<c>--metadata-dir</c>, <c>--metadata-url</c>, <c>--target-name</c>..., <c>--target-dir</c>,
/// <c>--target-base-url</c>) come in any order, then one of <c>init TRUSTED_ROOT</c>, <c>refresh</c>, <c>download</c>.
/// Parsed by hand to keep start-up light. Exit 0 on success and exactly 1 on any failure, usage errors included.
/// </summary>
internal static class ConformanceCommand
{
    /// <summary>The clock (tests replace it; the suite itself uses faketime on the system clock).</summary>
    internal static TimeProvider Clock { get; set; } = TimeProvider.System;

    public static int Run(ReadOnlySpan<string> args)
    {
        try
        {
            var parsed = Parse(args);
            return parsed.Command switch
            {
                "init" => Init(parsed),
                "refresh" => Refresh(parsed),
                "download" => Download(parsed),
                _ => throw new UsageException("expected a sub-command: init, refresh or download"),
            };
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"tuf conformance: {Describe(ex)}");
            return ExitCodes.Failure;
        }
    }

    internal sealed class Arguments
    {
        public string? MetadataDir { get; set; }

        public string? MetadataUrl { get; set; }

        public string? TargetDir { get; set; }

        public string? TargetBaseUrl { get; set; }

        public List<string> TargetNames { get; } = [];

        public string? Command { get; set; }

        public string? TrustedRoot { get; set; }
    }

    internal static Arguments Parse(ReadOnlySpan<string> args)
    {
        var parsed = new Arguments();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (i + 1 >= args.Length)
                {
                    throw new UsageException($"{arg} needs a value");
                }

                string value = args[++i];
                switch (arg)
                {
                    case "--metadata-dir": parsed.MetadataDir = value; break;
                    case "--metadata-url": parsed.MetadataUrl = value; break;
                    case "--target-dir": parsed.TargetDir = value; break;
                    case "--target-base-url": parsed.TargetBaseUrl = value; break;
                    case "--target-name": parsed.TargetNames.Add(value); break;
                    default: throw new UsageException($"unknown option {arg}");
                }
            }
            else if (parsed.Command is null)
            {
                parsed.Command = arg;
            }
            else if (parsed.Command == "init" && parsed.TrustedRoot is null)
            {
                parsed.TrustedRoot = arg;
            }
            else
            {
                throw new UsageException($"unexpected argument {arg}");
            }
        }

        return parsed;
    }

    private static int Init(Arguments a)
    {
        string dir = Require(a.MetadataDir, "--metadata-dir");
        string trustedRoot = Require(a.TrustedRoot, "TRUSTED_ROOT");
        Directory.CreateDirectory(dir);
        byte[] bytes = File.ReadAllBytes(trustedRoot);
        DurableFile.Write(Path.Combine(dir, "root.json"), bytes);
        return ExitCodes.Ok;
    }

    private static int Refresh(Arguments a)
    {
        using var updater = new Updater(Require(a.MetadataDir, "--metadata-dir"), ParseUrl(Require(a.MetadataUrl, "--metadata-url")), options: Options());
        updater.RefreshAsync(CancellationToken.None).GetAwaiter().GetResult();
        return ExitCodes.Ok;
    }

    private static int Download(Arguments a)
    {
        if (a.TargetNames.Count == 0)
        {
            throw new UsageException("download needs at least one --target-name");
        }

        string targetDir = Require(a.TargetDir, "--target-dir");
        Directory.CreateDirectory(targetDir);
        using var updater = new Updater(
            Require(a.MetadataDir, "--metadata-dir"),
            ParseUrl(Require(a.MetadataUrl, "--metadata-url")),
            targetDir,
            ParseUrl(Require(a.TargetBaseUrl, "--target-base-url")),
            options: Options());
        updater.RefreshAsync(CancellationToken.None).GetAwaiter().GetResult();
        foreach (string name in a.TargetNames)
        {
            updater.DownloadVerifiedAsync(name, CancellationToken.None).GetAwaiter().GetResult();
        }

        return ExitCodes.Ok;
    }

    private static UpdaterOptions Options() => new() { TimeProvider = Clock };

    private static string Require(string? value, string name) =>
        string.IsNullOrEmpty(value) ? throw new UsageException($"missing {name}") : value;

    private static Uri ParseUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps || uri.IsFile)
            ? uri
            : throw new UsageException($"not an absolute http(s) URL: {value}");

    private static string Describe(Exception ex) => ex switch
    {
        DownloadException { InnerException: { } inner } d => $"{d.Message}: {inner.Message}",
        _ => ex.Message,
    };
}
