using System.CommandLine;

namespace Tuf.Cli.Commands;

/// <summary><c>tuf repo rotate DIR ROLE --remove-key NAME --add-key NAME</c>.</summary>
internal static class RepoRotateCommand
{
    public static Command Create()
    {
        var dir = RepoCommand.DirArgument();
        var role = new Argument<string>("ROLE") { Description = "The role whose keys change" };
        var remove = RepoCommand.Many("--remove-key", "Keys to remove (names in the key store, public key files, or key IDs)", "NAME");
        var add = RepoCommand.Many("--add-key", "Keys to add", "NAME");
        var threshold = new Option<int?>("--threshold") { Description = "A new threshold", HelpName = "N" };
        var keystore = KeyResolver.KeystoreOption();
        var command = new Command("rotate", "Replace keys of a role (stages a new root for top-level roles)") { dir, role, remove, add, threshold, keystore };
        command.SetGuardedAction(parse =>
        {
            var removeNames = parse.GetValue(remove) ?? [];
            var addNames = parse.GetValue(add) ?? [];
            if (removeNames.Length == 0 && addNames.Length == 0)
            {
                throw new UsageException("give --remove-key and/or --add-key");
            }

            var editor = RepoCommand.Open(parse, dir);
            var store = KeyResolver.Open(parse, keystore);
            // A lost key cannot be named from the key store: its key ID (64 hex digits) is accepted too.
            var removeIds = removeNames.Select(n => IsKeyId(n) && !store.Contains(n) && !File.Exists(n) ? n : KeyResolver.PublicKey(store, n).ComputeKeyId()).ToList();
            string name = parse.GetValue(role)!;
            editor.RotateKeys(name, removeIds, KeyResolver.PublicKeyList(store, addNames), parse.GetValue(threshold));
            editor.Save();
            Console.Out.WriteLine($"staged key rotation of '{name}'");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static bool IsKeyId(string s) => s.Length == 64 && s.All(char.IsAsciiHexDigitLower);
}
