using System.CommandLine;

namespace Tuf.Cli.Commands;

/// <summary><c>tuf repo delegate DIR ROLE --key NAME... [--threshold N] (--paths GLOB... | --hash-prefixes HEX...) [--terminating] [--from ROLE]</c>.</summary>
internal static class RepoDelegateCommand
{
    public static Command Create()
    {
        var dir = RepoCommand.DirArgument();
        var name = new Argument<string>("ROLE") { Description = "The new delegated role" };
        var keys = RepoCommand.Many("--key", "The role's keys (names in the key store, or public key files)", "NAME");
        keys.Required = true;
        var threshold = RepoCommand.Threshold();
        var paths = RepoCommand.Many("--paths", "Delegated path patterns (a * does not match /)", "GLOB");
        var prefixes = RepoCommand.Many("--hash-prefixes", "Delegated SHA-256 path hash prefixes", "HEX");
        var terminating = new Option<bool>("--terminating") { Description = "Stop the search at this role" };
        var from = new Option<string>("--from") { Description = "The delegating role", HelpName = "ROLE", DefaultValueFactory = _ => "targets" };
        var keystore = KeyResolver.KeystoreOption();
        var command = new Command("delegate", "Delegate target paths to a new role") { dir, name, keys, threshold, paths, prefixes, terminating, from, keystore };
        command.SetGuardedAction(parse =>
        {
            bool hasPaths = parse.GetValue(paths) is { Length: > 0 };
            bool hasPrefixes = parse.GetValue(prefixes) is { Length: > 0 };
            if (hasPaths == hasPrefixes)
            {
                throw new UsageException("give exactly one of --paths and --hash-prefixes");
            }

            var editor = RepoCommand.Open(parse, dir);
            var store = KeyResolver.Open(parse, keystore);
            string role = parse.GetValue(name)!;
            editor.Delegate(role, KeyResolver.PublicKeyList(store, parse.GetValue(keys)), parse.GetValue(threshold),
                parse.GetValue(paths), parse.GetValue(prefixes), parse.GetValue(terminating), parse.GetValue(from)!);
            editor.Save();
            Console.Out.WriteLine($"staged delegation of '{role}' from '{parse.GetValue(from)}'");
            return ExitCodes.Ok;
        });
        return command;
    }
}
