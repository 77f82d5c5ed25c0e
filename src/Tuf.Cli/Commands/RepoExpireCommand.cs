using System.CommandLine;

namespace Tuf.Cli.Commands;

/// <summary><c>tuf repo expire DIR ROLE DAYS</c>.</summary>
internal static class RepoExpireCommand
{
    public static Command Create()
    {
        var dir = RepoCommand.DirArgument();
        var role = new Argument<string>("ROLE") { Description = "The role" };
        var days = new Argument<int>("DAYS") { Description = "Days of validity from now" };
        var command = new Command("expire", "Set a role's expiry (snapshot/timestamp: at the next commit)") { dir, role, days };
        command.SetGuardedAction(parse =>
        {
            var editor = RepoCommand.Open(parse, dir);
            string name = parse.GetValue(role)!;
            editor.Expire(name, parse.GetValue(days));
            editor.Save();
            Console.Out.WriteLine($"staged new expiry for '{name}' ({parse.GetValue(days)} days)");
            return ExitCodes.Ok;
        });
        return command;
    }
}
