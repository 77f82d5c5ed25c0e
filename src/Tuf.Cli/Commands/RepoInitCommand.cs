using System.CommandLine;
using System.Globalization;
using Tuf.Signing;

namespace Tuf.Cli.Commands;

/// <summary>
/// <c>tuf repo init DIR --root-key NAME... --targets-key NAME... --snapshot-key NAME --timestamp-key NAME</c>; with
/// <c>--timestamp-key-from SERVER_URL --collection GUN</c> (and <c>--snapshot-key-from</c>) the root names a
/// Tuf.Server's online key instead, and that server signs the role when the repository is published.
/// </summary>
internal static class RepoInitCommand
{
    public static Command Create()
    {
        var dir = RepoCommand.DirArgument();
        var rootKeys = RepoCommand.Many("--root-key", "Root keys (names in the key store, or public key files)", "NAME");
        rootKeys.Required = true;
        var rootThreshold = RepoCommand.Threshold("--root-threshold");
        var targetsKeys = RepoCommand.Many("--targets-key", "Targets keys", "NAME");
        targetsKeys.Required = true;
        var targetsThreshold = RepoCommand.Threshold("--targets-threshold");
        var snapshotKey = new Option<string>("--snapshot-key") { Description = "The snapshot key (or --snapshot-key-from)", HelpName = "NAME" };
        var timestampKey = new Option<string>("--timestamp-key") { Description = "The timestamp key (or --timestamp-key-from)", HelpName = "NAME" };
        var timestampFrom = new Option<string>("--timestamp-key-from") { Description = "Use this Tuf.Server's timestamp key for --collection (the server signs timestamps)", HelpName = "SERVER_URL" };
        var snapshotFrom = new Option<string>("--snapshot-key-from") { Description = "Use this Tuf.Server's snapshot key for --collection (the server signs snapshots)", HelpName = "SERVER_URL" };
        var collection = new Option<string>("--collection") { Description = "The server collection (GUN), with --timestamp-key-from", HelpName = "GUN" };
        var token = new Option<string>("--token") { Description = "Server token with push scope (default: $TUF_SERVER_TOKEN)", HelpName = "TOKEN" };
        var consistent = new Option<bool>("--consistent-snapshot") { Description = "Publish consistent snapshots (true|false)", DefaultValueFactory = _ => true, Arity = ArgumentArity.ExactlyOne };
        var expires = new Option<string[]>("--expires") { Description = "Days of validity per role, e.g. timestamp=1 (roles: root, targets, snapshot, timestamp, delegated)", HelpName = "ROLE=DAYS" };
        var keystore = KeyResolver.KeystoreOption();
        var command = new Command("init", "Create a repository: stage root v1 and an empty targets v1")
        {
            dir, rootKeys, rootThreshold, targetsKeys, targetsThreshold, snapshotKey, timestampKey, timestampFrom, snapshotFrom, collection, token,
            consistent, expires, keystore,
        };
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var store = KeyResolver.Open(parse, keystore);
            var days = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var item in parse.GetValue(expires) ?? [])
            {
                int eq = item.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0 || !int.TryParse(item.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int d))
                {
                    throw new UsageException($"--expires expects ROLE=DAYS, not '{item}'");
                }

                days[item[..eq]] = d;
            }

            var online = new OnlineKeyOptions(
                parse.GetValue(snapshotKey), parse.GetValue(snapshotFrom), parse.GetValue(timestampKey), parse.GetValue(timestampFrom),
                parse.GetValue(collection), RepoPublishClient.Token(parse.GetValue(token)));
            var (snapshotPublic, timestampPublic, serverSigned) = await ResolveOnlineKeysAsync(store, online, cancellationToken).ConfigureAwait(false);
            var options = new RepositoryInitOptions
            {
                RootKeys = KeyResolver.PublicKeyList(store, parse.GetValue(rootKeys)),
                RootThreshold = parse.GetValue(rootThreshold),
                TargetsKeys = KeyResolver.PublicKeyList(store, parse.GetValue(targetsKeys)),
                TargetsThreshold = parse.GetValue(targetsThreshold),
                SnapshotKeys = [snapshotPublic],
                TimestampKeys = [timestampPublic],
                ServerSignedRoles = serverSigned,
                ConsistentSnapshot = parse.GetValue(consistent),
                ExpiryDays = days,
            };
            var editor = RepositoryEditor.Init(parse.GetValue(dir)!, options);
            editor.Save();
            Console.Out.WriteLine($"initialized {editor.Directory}: root v1 and targets v1 staged; sign them with 'tuf repo commit {parse.GetValue(dir)} --key ...'");
            if (serverSigned.Count > 0)
            {
                Console.Out.WriteLine($"{string.Join(" and ", serverSigned)} signed by {online.TimestampFrom} for collection {online.Collection}: publish with 'tuf repo publish {parse.GetValue(dir)} --server {online.TimestampFrom} --collection {online.Collection}'");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private sealed record OnlineKeyOptions(string? SnapshotKey, string? SnapshotFrom, string? TimestampKey, string? TimestampFrom, string? Collection, string? Token);

    /// <summary>The snapshot and timestamp public keys: from the key store, or the server's online keys for the collection.</summary>
    private static async Task<(Key Snapshot, Key Timestamp, List<string> ServerSigned)> ResolveOnlineKeysAsync(KeyStore store, OnlineKeyOptions o, CancellationToken cancellationToken)
    {
        if ((o.TimestampKey is null) == (o.TimestampFrom is null))
        {
            throw new UsageException("give exactly one of --timestamp-key NAME and --timestamp-key-from SERVER_URL");
        }

        if ((o.SnapshotKey is null) == (o.SnapshotFrom is null))
        {
            throw new UsageException("give exactly one of --snapshot-key NAME and --snapshot-key-from SERVER_URL");
        }

        if (o.SnapshotFrom is not null && o.TimestampFrom is null)
        {
            throw new UsageException("--snapshot-key-from needs --timestamp-key-from too (a server that signs snapshots signs timestamps)");
        }

        if (o.TimestampFrom is null)
        {
            if (o.Collection is not null)
            {
                throw new UsageException("--collection goes with --timestamp-key-from");
            }

            return (KeyResolver.PublicKey(store, o.SnapshotKey!), KeyResolver.PublicKey(store, o.TimestampKey!), []);
        }

        if (o.Collection is null)
        {
            throw new UsageException("--timestamp-key-from needs --collection GUN");
        }

        var serverSigned = new List<string> { "timestamp" };
        Key timestamp;
        using (var client = new RepoPublishClient(RepoPublishClient.ParseServerUrl(o.TimestampFrom, "--timestamp-key-from"), o.Token, TimeSpan.FromSeconds(60)))
        {
            timestamp = await client.GetServerKeyAsync(o.Collection, "timestamp", cancellationToken).ConfigureAwait(false);
        }

        Key snapshot;
        if (o.SnapshotFrom is not null)
        {
            using var client = new RepoPublishClient(RepoPublishClient.ParseServerUrl(o.SnapshotFrom, "--snapshot-key-from"), o.Token, TimeSpan.FromSeconds(60));
            snapshot = await client.GetServerKeyAsync(o.Collection, "snapshot", cancellationToken).ConfigureAwait(false);
            serverSigned.Add("snapshot");
        }
        else
        {
            snapshot = KeyResolver.PublicKey(store, o.SnapshotKey!);
        }

        return (snapshot, timestamp, serverSigned);
    }
}
