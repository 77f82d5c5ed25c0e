using System.CommandLine;
using System.Globalization;
using Tuf.Signing;

namespace Tuf.Cli.Commands;

/// <summary><c>tuf repo init DIR --root-key NAME... --targets-key NAME... --snapshot-key NAME --timestamp-key NAME</c>.</summary>
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
        var snapshotKey = new Option<string>("--snapshot-key") { Description = "The snapshot key", HelpName = "NAME", Required = true };
        var timestampKey = new Option<string>("--timestamp-key") { Description = "The timestamp key", HelpName = "NAME", Required = true };
        var consistent = new Option<bool>("--consistent-snapshot") { Description = "Publish consistent snapshots (true|false)", DefaultValueFactory = _ => true, Arity = ArgumentArity.ExactlyOne };
        var expires = new Option<string[]>("--expires") { Description = "Days of validity per role, e.g. timestamp=1 (roles: root, targets, snapshot, timestamp, delegated)", HelpName = "ROLE=DAYS" };
        var keystore = KeyResolver.KeystoreOption();
        var command = new Command("init", "Create a repository: stage root v1 and an empty targets v1")
        {
            dir, rootKeys, rootThreshold, targetsKeys, targetsThreshold, snapshotKey, timestampKey, consistent, expires, keystore,
        };
        command.SetGuardedAction(parse =>
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

            var options = new RepositoryInitOptions
            {
                RootKeys = KeyResolver.PublicKeyList(store, parse.GetValue(rootKeys)),
                RootThreshold = parse.GetValue(rootThreshold),
                TargetsKeys = KeyResolver.PublicKeyList(store, parse.GetValue(targetsKeys)),
                TargetsThreshold = parse.GetValue(targetsThreshold),
                SnapshotKeys = [KeyResolver.PublicKey(store, parse.GetValue(snapshotKey)!)],
                TimestampKeys = [KeyResolver.PublicKey(store, parse.GetValue(timestampKey)!)],
                ConsistentSnapshot = parse.GetValue(consistent),
                ExpiryDays = days,
            };
            var editor = RepositoryEditor.Init(parse.GetValue(dir)!, options);
            editor.Save();
            Console.Out.WriteLine($"initialized {editor.Directory}: root v1 and targets v1 staged; sign them with 'tuf repo commit {parse.GetValue(dir)} --key ...'");
            return ExitCodes.Ok;
        });
        return command;
    }
}
