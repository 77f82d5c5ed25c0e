using System.CommandLine;
using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Tuf.Cli.Output;
using Tuf.Client;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tuf.Client.Notary;

namespace Tuf.Cli.Commands;

/// <summary>
/// <c>tuf notary list|lookup|verify --server URL GUN ...</c>: reads a collection on a Notary server (ours or a real
/// notary-server; Docker Content Trust data) with the full verification of <see cref="NotaryClient"/>, as
/// <c>notary list</c>, <c>notary lookup</c> and <c>notary verify</c> do.
/// </summary>
internal static class NotaryCommand
{
    public static Command Create()
    {
        var command = new Command("notary", "Read collections on a Notary server (Notary v1, Docker Content Trust) with full verification");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Lookup());
        command.Subcommands.Add(Verify());
        command.Subcommands.Add(Migrate());
        return command;
    }

    private sealed record Common(Option<string> Server, Option<DirectoryInfo?> TrustDir, Option<FileInfo?> Root, Option<FileInfo?> CaCert, Option<bool> Json, Argument<string> Gun)
    {
        public IEnumerable<Symbol> Symbols => [Server, TrustDir, Root, CaCert, Json, Gun];
    }

    private static Common Options() => new(
        new Option<string>("--server", "-s") { Description = "The Notary server's URL (https://HOST[:PORT])", Required = true },
        new Option<DirectoryInfo?>("--trust-dir", "-d") { Description = "Where trusted metadata is kept, one folder per collection (default: ~/.tuf/notary)" },
        new Option<FileInfo?>("--root") { Description = "A root.json checked out of band, trusted instead of the server's on first use" },
        new Option<FileInfo?>("--tlscacert") { Description = "Trust only server certificates issued by this CA (PEM)" },
        JsonOut.Option(),
        new Argument<string>("GUN") { Description = "The collection's name (e.g. registry.example.com/app)" });

    private static Command List()
    {
        var o = Options();
        var command = new Command("list", "List a collection's verified targets (like notary list)");
        foreach (var symbol in o.Symbols)
        {
            Add(command, symbol);
        }

        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var data = await RefreshAsync(parse, o, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(o.Json))
            {
                JsonOut.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("gun", data.Gun);
                    w.WriteNumber("root_version", data.RootVersion);
                    w.WriteNumber("timestamp_version", data.TimestampVersion);
                    w.Objects("targets", data.Targets, WriteTarget);
                    w.WriteEndObject();
                });
                return ExitCodes.Ok;
            }

            if (data.Targets.Count == 0)
            {
                Console.Out.WriteLine($"no targets in {data.Gun}");
                return ExitCodes.Ok;
            }

            int width = Math.Max(4, data.Targets.Max(t => t.Name.Length));
            Console.Out.WriteLine($"{"NAME".PadRight(width)}  {"DIGEST",-64}  {"SIZE (BYTES)",-12}  ROLE");
            foreach (var t in data.Targets)
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{t.Name.PadRight(width)}  {t.Meta.Sha256Hex,-64}  {t.Meta.Length,-12}  {t.Role}"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Lookup()
    {
        var o = Options();
        var name = new Argument<string>("NAME") { Description = "The target name (for Docker Content Trust, the tag)" };
        var command = new Command("lookup", "Show one verified target (like notary lookup)");
        foreach (var symbol in o.Symbols.Append(name))
        {
            Add(command, symbol);
        }

        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var data = await RefreshAsync(parse, o, cancellationToken).ConfigureAwait(false);
            var target = Find(data, parse.GetValue(name)!);
            if (parse.GetValue(o.Json))
            {
                JsonOut.Write(w =>
                {
                    w.WriteStartObject();
                    WriteTarget(w, target);
                    w.WriteEndObject();
                });
            }
            else
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{target.Name} sha256:{target.Meta.Sha256Hex} {target.Meta.Length} {target.Role}"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Verify()
    {
        var o = Options();
        var name = new Argument<string>("NAME") { Description = "The target name" };
        var file = new Argument<FileInfo>("FILE") { Description = "The local file to check" };
        var command = new Command("verify", "Check that a local file is exactly a signed target (like notary verify)");
        foreach (var symbol in o.Symbols.Append(name).Append(file))
        {
            Add(command, symbol);
        }

        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var local = parse.GetValue(file)!;
            if (!local.Exists)
            {
                throw new FileNotFoundException($"no such file: {local.FullName}", local.FullName);
            }

            var data = await RefreshAsync(parse, o, cancellationToken).ConfigureAwait(false);
            var target = Find(data, parse.GetValue(name)!);
            bool matches = NotaryClient.FileMatches(target, local.FullName);
            if (parse.GetValue(o.Json))
            {
                JsonOut.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("name", target.Name);
                    w.WriteString("file", local.FullName);
                    w.WriteBoolean("verified", matches);
                    w.WriteNumber("length", target.Meta.Length);
                    w.WriteString("sha256", target.Meta.Sha256Hex);
                    w.WriteString("role", target.Role);
                    w.WriteEndObject();
                });
            }

            if (!matches)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"tuf: {local.FullName} is not the signed target {target.Name} of {data.Gun}: {(local.Length != target.Meta.Length ? $"{local.Length} bytes, {target.Meta.Length} are signed" : "same length but its hashes differ")}"));
                return ExitCodes.Failure;
            }

            if (!parse.GetValue(o.Json))
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"verified: {local.FullName} is the signed target {target.Name} of {data.Gun} ({target.Meta.Length} bytes, sha256 {target.Meta.Sha256Hex}, signed by {target.Role})"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// <c>tuf notary migrate ... GUN REPO</c>: stages every verified target of a Notary collection (name, length,
    /// sha256, and where it came from in <c>custom.notary</c>) in a TUF 1.0 repository made with
    /// <c>tuf repo init</c>, for re-signing with its keys by <c>tuf repo commit</c>. Nothing is staged unless every
    /// target can be (names TUF repositories here refuse are listed; <c>--skip-invalid</c> leaves them out).
    /// </summary>
    private static Command Migrate()
    {
        var o = Options();
        var repo = new Argument<string>("REPO") { Description = "A repository folder made with 'tuf repo init'" };
        var role = new Option<string?>("--role") { Description = "The targets role to stage into (default: targets, or its bins)" };
        var skipInvalid = new Option<bool>("--skip-invalid") { Description = "Leave out targets whose names are not safe TUF target paths (listed) instead of refusing" };
        var command = new Command("migrate", "Stage a Notary collection's verified targets in a TUF 1.0 repository, for re-signing with its keys");
        foreach (var symbol in o.Symbols.Append(repo).Append(role).Append(skipInvalid))
        {
            Add(command, symbol);
        }

        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            // Open the repository first: a wrong folder is reported before the server is asked.
            var editor = RepoCommand.Open(parse, repo);
            var data = await RefreshAsync(parse, o, cancellationToken).ConfigureAwait(false);
            var invalid = data.Targets.Where(t => TargetPathRule.Problem(t.Name) is not null).ToList();
            if (invalid.Count > 0 && !parse.GetValue(skipInvalid))
            {
                throw new UsageException($"{invalid.Count} target name(s) of {data.Gun} are not safe TUF target paths, nothing was staged: "
                    + string.Join(", ", invalid.Take(10).Select(t => $"'{Tuf.Internal.ErrorText.Untrusted(t.Name)}' ({TargetPathRule.Problem(t.Name)})"))
                    + " (--skip-invalid leaves them out)");
            }

            int staged = 0;
            foreach (var target in data.Targets.Except(invalid))
            {
                // sha256 only: like 'tuf repo add-image', a reference to content that stays where it is (commit signs it
                // and publishes no file); 'tuf repo add' the files to host them too.
                var hashes = new Dictionary<string, string>(StringComparer.Ordinal) { ["sha256"] = target.Meta.Sha256Hex! };
                using var custom = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(new NotaryCustom(new NotaryOrigin(data.Gun, target.Role)), NotaryJsonContext.Default.NotaryCustom));
                editor.AddTargetHash(target.Name, target.Meta.Length, hashes, parse.GetValue(role), custom.RootElement);
                staged++;
            }

            editor.Save();
            Console.Out.WriteLine($"staged {staged} target(s) from {data.Gun} (root v{data.RootVersion}; roles: {string.Join(", ", data.Roles)})"
                + (invalid.Count > 0 ? $"; left out {invalid.Count} with unsafe names" : "")
                + $"; sign and publish them with: tuf repo commit {parse.GetValue(repo)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Add(Command command, Symbol symbol)
    {
        switch (symbol)
        {
            case Option option:
                command.Options.Add(option);
                break;
            case Argument argument:
                command.Arguments.Add(argument);
                break;
        }
    }

    private static NotaryTarget Find(NotaryTrustData data, string name) =>
        data.Find(name) ?? throw new TargetNotFoundException($"target '{name}' is not in the verified targets of {data.Gun}") { TargetPath = name };

    /// <summary>A target's fields (inside an object the caller opened).</summary>
    private static void WriteTarget(System.Text.Json.Utf8JsonWriter w, NotaryTarget t)
    {
        w.WriteString("name", t.Name);
        w.WriteString("sha256", t.Meta.Sha256Hex);
        w.WriteNumber("length", t.Meta.Length);
        w.WriteString("role", t.Role);
    }

    private static async Task<NotaryTrustData> RefreshAsync(ParseResult parse, Common o, CancellationToken cancellationToken)
    {
        var server = DownloadCommand.ParseUrl(parse.GetValue(o.Server)!, "--server");
        string gun = parse.GetValue(o.Gun)!;
        string trust = parse.GetValue(o.TrustDir)?.FullName
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".tuf", "notary");
        var transport = new UpdaterOptions();
        var options = new NotaryClientOptions { RootFile = parse.GetValue(o.Root)?.FullName, Transport = transport };
        if (options.RootFile is { } rootFile && !File.Exists(rootFile))
        {
            throw new UsageException($"--root: no such file: {rootFile}");
        }

        using var http = CreateHttpClient(parse.GetValue(o.CaCert));
        using var fetcher = new HttpFetcher(http, transport);
        NotaryClient client;
        try
        {
            client = new NotaryClient(server, gun, trust, options, fetcher);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException($"GUN: {ex.Message.Split(" (Parameter", 2)[0]}");
        }

        using (client)
        {
            return await client.RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>An HTTP client without automatic decompression; with <c>--tlscacert</c>, trusting only that CA.</summary>
    private static HttpClient CreateHttpClient(FileInfo? caCert)
    {
        var handler = new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None };
        if (caCert is not null)
        {
            X509Certificate2 ca;
            try
            {
                ca = X509Certificate2.CreateFromPem(File.ReadAllText(caCert.FullName));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                throw new UsageException($"--tlscacert: {caCert.FullName} is not a readable PEM certificate ({ex.Message})");
            }

            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
                {
                    return false; // a name mismatch or no certificate is never accepted
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            };
        }

        return new HttpClient(handler, disposeHandler: true);
    }
}

/// <summary>Where a migrated target came from (<c>custom.notary</c>).</summary>
/// <param name="Gun">The Notary collection.</param>
/// <param name="Role">The role that signed it there.</param>
internal sealed record NotaryOrigin([property: JsonPropertyName("gun")] string Gun, [property: JsonPropertyName("role")] string Role);

/// <summary>A migrated target's <c>custom</c> field: <c>{"notary": {"gun", "role"}}</c>.</summary>
/// <param name="Notary">Where it came from.</param>
internal sealed record NotaryCustom([property: JsonPropertyName("notary")] NotaryOrigin Notary);

/// <summary>Source-generated JSON for <see cref="NotaryCustom"/> (the trimmed CLI has no reflection).</summary>
[JsonSerializable(typeof(NotaryCustom))]
internal sealed partial class NotaryJsonContext : JsonSerializerContext;
