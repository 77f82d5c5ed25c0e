using System.CommandLine;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Tuf.Client;
using Tuf.Signing;

namespace Tuf.Cli.Commands;

/// <summary>
/// <c>tuf quickstart [--server URL --token T] [--collection GUN]</c>: the whole flow on embedded defaults, for a
/// newcomer. Starts a throw-away Tuf.Server (or uses the given one), generates root and targets keys in a temporary
/// key store, creates a collection whose snapshot and timestamp the server signs, adds an example target,
/// commits, publishes, and then refreshes, downloads and verifies the target with the client (Tuf.Client's
/// <see cref="Updater"/>), printing each step and the verified SHA-256. Everything temporary is deleted at the end.
/// </summary>
internal static class QuickstartCommand
{
    public const string ExampleTarget = "hello/hello.txt";

    public static Command Create()
    {
        var server = new Option<string>("--server") { Description = "Use this running Tuf.Server instead of starting a local one", HelpName = "URL" };
        var token = new Option<string>("--token") { Description = "Token with push scope on --server (default: $TUF_SERVER_TOKEN)", HelpName = "TOKEN" };
        var collection = new Option<string>("--collection") { Description = "Collection to create (default: a new example.com/quickstart-... name)", HelpName = "GUN" };
        var keep = new Option<string>("--keep") { Description = "Keep the keys, repository and client folders in this new folder instead of deleting them", HelpName = "DIR" };
        var command = new Command("quickstart", "Start a server, create and publish a collection, then download and verify a target from it") { server, token, collection, keep };
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            string? url = parse.GetValue(server);
            string? t = RepoPublishClient.Token(parse.GetValue(token));
            if (url is not null && t is null)
            {
                throw new UsageException($"--server needs --token (a token with push scope), or set {RepoPublishClient.TokenVariable}");
            }

            if (url is null && parse.GetValue(token) is not null)
            {
                throw new UsageException("--token goes with --server");
            }

            string gun = parse.GetValue(collection) ?? $"example.com/quickstart-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
            _ = RepoPublishClient.CollectionPath(gun);

            // Ctrl-C / SIGTERM cancel the run instead of ending the process, so the local server is stopped and the
            // temporary folder deleted on the way out.
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            void OnSignal(PosixSignalContext context)
            {
                context.Cancel = true;
                cancel.Cancel();
            }

            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            return await RunAsync(url is null ? null : RepoPublishClient.ParseServerUrl(url, "--server"), t, gun, parse.GetValue(keep), Console.Out, cancel.Token).ConfigureAwait(false);
        });
        return command;
    }

    public static async Task<int> RunAsync(Uri? serverUrl, string? token, string gun, string? keepDirectory, TextWriter output, CancellationToken cancellationToken)
    {
        string work;
        if (keepDirectory is not null)
        {
            if (Directory.Exists(keepDirectory) && Directory.EnumerateFileSystemEntries(keepDirectory).Any())
            {
                throw new UsageException($"--keep: {keepDirectory} exists and is not empty");
            }

            work = Directory.CreateDirectory(keepDirectory).FullName;
        }
        else
        {
            work = Directory.CreateTempSubdirectory("tuf-quickstart-").FullName;
        }

        QuickstartServer? local = null;
        try
        {
            int step = 0;
            void Step(string text) => output.WriteLine($"[{++step}] {text}");

            if (serverUrl is null)
            {
                local = await QuickstartServer.StartAsync(Path.Combine(work, "server-data"), TimeSpan.FromSeconds(90), cancellationToken).ConfigureAwait(false);
                serverUrl = local.BaseAddress;
                token = local.AdminToken;
                Step($"started a local Tuf.Server at {serverUrl} (pid {local.ProcessId}, SQLite in {Path.Combine(work, "server-data")})");
            }
            else
            {
                Step($"using the Tuf.Server at {serverUrl}");
            }

            // Keys: a temporary store under a generated passphrase (no prompt, no TUF_KEY_PASSPHRASE needed).
            string passphrase = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            var store = new KeyStore(Path.Combine(work, "keys"));
            var rootKey = store.Generate("root", SigningKeyType.Ed25519, passphrase);
            var targetsKey = store.Generate("targets", SigningKeyType.Ed25519, passphrase);
            Step($"generated offline keys in {store.Directory}: root {rootKey.KeyId[..12]}…, targets {targetsKey.KeyId[..12]}…");

            using var client = new RepoPublishClient(serverUrl, token);
            var timestampKey = await client.GetServerKeyAsync(gun, "timestamp", cancellationToken).ConfigureAwait(false);
            var snapshotKey = await client.GetServerKeyAsync(gun, "snapshot", cancellationToken).ConfigureAwait(false);
            Step($"fetched the server's online keys for collection {gun}: timestamp {timestampKey.ComputeKeyId()[..12]}…, snapshot {snapshotKey.ComputeKeyId()[..12]}…");

            string repo = Path.Combine(work, "repo");
            var editor = RepositoryEditor.Init(repo, new RepositoryInitOptions
            {
                RootKeys = [rootKey.PublicKey],
                TargetsKeys = [targetsKey.PublicKey],
                SnapshotKeys = [snapshotKey],
                TimestampKeys = [timestampKey],
                ServerSignedRoles = ["timestamp", "snapshot"],
            });
            editor.Save();
            Step($"created the repository {repo} (root v1 names the server's keys for snapshot and timestamp)");

            string source = Path.Combine(work, "hello.txt");
            await File.WriteAllTextAsync(source, $"Hello from Tuf.NET! This file was published to {gun} and verified by the client.\n", cancellationToken).ConfigureAwait(false);
            editor = RepositoryEditor.Open(repo);
            var added = await editor.AddTargetsAsync([new TargetSource(ExampleTarget, source)], cancellationToken: cancellationToken).ConfigureAwait(false);
            editor.Save();
            string expected = added[0].Hashes["sha256"];
            Step($"added the target {ExampleTarget} ({added[0].Length} bytes, sha256 {expected})");

            var signers = new List<ISigner> { store.Unlock("root", passphrase), store.Unlock("targets", passphrase) };
            try
            {
                var committed = await RepositoryEditor.Open(repo).CommitAsync(signers, cancellationToken: cancellationToken).ConfigureAwait(false);
                Step($"signed offline: {string.Join(", ", committed.Roles.Select(r => $"{r.Key} v{r.Value}"))}");
            }
            finally
            {
                RepoCommand.DisposeAll(signers);
            }

            var versions = await RepoPublishCommand.PublishAsync(repo, client, gun, uploadTargets: true, TextWriter.Null, cancellationToken).ConfigureAwait(false);
            Step($"published root v1, targets v1 and the target file to {gun}; the server signed "
                + string.Join(" and ", versions.Where(v => v.Key is "snapshot" or "timestamp").Select(v => $"{v.Key} v{v.Value}")));

            // The client side: trust root v1 only, fetch everything else over HTTP and verify it.
            var collectionUrl = new Uri(serverUrl, RepoPublishClient.CollectionPath(gun) + "/");
            string clientDir = Path.Combine(work, "client");
            byte[] trustedRoot = await File.ReadAllBytesAsync(Path.Combine(repo, "metadata", "1.root.json"), cancellationToken).ConfigureAwait(false);
            using var updater = new Updater(
                Path.Combine(clientDir, "metadata"), new Uri(collectionUrl, "metadata/"), Path.Combine(clientDir, "targets"), new Uri(collectionUrl, "targets/"), trustedRoot);
            await updater.RefreshAsync(cancellationToken).ConfigureAwait(false);
            Step($"client refreshed trusted metadata from {new Uri(collectionUrl, "metadata/")} (trusting only root v1)");

            var verified = await updater.DownloadVerifiedAsync(ExampleTarget, cancellationToken).ConfigureAwait(false);
            string actual;
            var stream = File.OpenRead(verified.LocalPath);
            await using (stream.ConfigureAwait(false))
            {
                actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
            }

            if (!CryptographicOperations.FixedTimeEquals(Convert.FromHexString(actual), Convert.FromHexString(expected)))
            {
                throw new ServerRequestException(null, $"the downloaded {ExampleTarget} has sha256 {actual}, not {expected}");
            }

            Step($"downloaded and verified {ExampleTarget} to {verified.LocalPath}");
            output.WriteLine($"verified sha256 {actual}  {ExampleTarget}");
            output.WriteLine(keepDirectory is null
                ? "done: everything above was temporary and is now deleted (use --keep DIR to keep the keys, repository and client folders)"
                : $"done: keys, repository and client folders kept in {work}");
            return ExitCodes.Ok;
        }
        finally
        {
            local?.Dispose();
            if (keepDirectory is null)
            {
                TryDelete(work);
            }
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"tuf: could not delete {directory}: {ex.Message}");
        }
    }
}
