using System.CommandLine;

namespace Tuf.Cli.Commands;

/// <summary><c>tuf repo remove DIR TARGETPATH... [--role ROLE]</c>.</summary>
internal static class RepoRemoveCommand
{
    public static Command Create()
    {
        var dir = RepoCommand.DirArgument();
        var paths = new Argument<string[]>("TARGETPATH") { Description = "Target paths to remove", Arity = ArgumentArity.OneOrMore };
        var role = new Option<string>("--role") { Description = "The role listing them (default: targets, or its hash bins)", HelpName = "ROLE" };
        var command = new Command("remove", "Stage the removal of targets") { dir, paths, role };
        command.SetGuardedAction(parse =>
        {
            var editor = RepoCommand.Open(parse, dir);
            var list = parse.GetValue(paths)!;
            editor.RemoveTargets(list, parse.GetValue(role));
            editor.Save();
            Console.Out.WriteLine($"staged removal of {list.Length} target(s)");
            return ExitCodes.Ok;
        });
        return command;
    }
}
