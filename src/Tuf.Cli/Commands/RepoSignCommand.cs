using System.CommandLine;

namespace Tuf.Cli.Commands;

/// <summary><c>tuf repo sign DIR ROLE --key NAME</c>: one more signature on a staged role; its signed bytes do not change.</summary>
internal static class RepoSignCommand
{
    public static Command Create()
    {
        var dir = RepoCommand.DirArgument();
        var role = new Argument<string>("ROLE") { Description = "The staged role" };
        var key = new Option<string>("--key") { Description = "The key to sign with (name in the key store)", HelpName = "NAME", Required = true };
        var keystore = KeyResolver.KeystoreOption();
        var command = new Command("sign", "Add a signature to a staged role") { dir, role, key, keystore };
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var editor = RepoCommand.Open(parse, dir);
            string name = parse.GetValue(role)!;
            _ = editor.GetSignatureCounts(name); // an unknown role fails before any key is unlocked
            var signer = KeyResolver.Unlock(KeyResolver.Open(parse, keystore), parse.GetValue(key)!);
            try
            {
                await editor.SignAsync(name, signer, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                RepoCommand.DisposeAll([signer]);
            }

            editor.Save();
            var counts = editor.GetSignatureCounts(name);
            Console.Out.WriteLine($"signed '{name}': " + string.Join(", ", counts.Select(c => $"{c.Description} {c.Valid}/{c.Threshold}")));
            return ExitCodes.Ok;
        });
        return command;
    }
}
