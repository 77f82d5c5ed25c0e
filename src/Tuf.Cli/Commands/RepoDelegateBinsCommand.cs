using System.CommandLine;

namespace Tuf.Cli.Commands;

/// <summary><c>tuf repo delegate-bins DIR --bins N --key NAME... [--from ROLE]</c> (TAP 15 succinct hash bins).</summary>
internal static class RepoDelegateBinsCommand
{
    public static Command Create()
    {
        var dir = RepoCommand.DirArgument();
        var bins = new Option<int>("--bins") { Description = "Number of bins (a power of two)", HelpName = "N", Required = true };
        var keys = RepoCommand.Many("--key", "The bins' keys (names in the key store, or public key files)", "NAME");
        keys.Required = true;
        var threshold = RepoCommand.Threshold();
        var from = new Option<string>("--from") { Description = "The delegating role", HelpName = "ROLE", DefaultValueFactory = _ => "targets" };
        var prefix = new Option<string>("--prefix") { Description = "Bin role name prefix", HelpName = "NAME", DefaultValueFactory = _ => "bins" };
        var keystore = KeyResolver.KeystoreOption();
        var command = new Command("delegate-bins", "Delegate a role's targets to succinct hash bins (TAP 15)") { dir, bins, keys, threshold, from, prefix, keystore };
        command.SetGuardedAction(parse =>
        {
            var editor = RepoCommand.Open(parse, dir);
            var store = KeyResolver.Open(parse, keystore);
            int count = parse.GetValue(bins);
            editor.DelegateBins(count, KeyResolver.PublicKeyList(store, parse.GetValue(keys)), parse.GetValue(threshold), parse.GetValue(from)!, parse.GetValue(prefix)!);
            editor.Save();
            Console.Out.WriteLine($"staged {count} hash bins '{parse.GetValue(prefix)}-*' delegated from '{parse.GetValue(from)}'");
            return ExitCodes.Ok;
        });
        return command;
    }
}
