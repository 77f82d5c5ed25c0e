using System.CommandLine;
using Tuf.Cli.Commands;

namespace Tuf.Cli;

/// <summary>The <c>tuf</c> command: one class per command under Commands/, thin over the libraries.</summary>
internal static class Program
{
    private static int Main(string[] args) => Run(args);

    /// <summary>Parses and runs; exit codes: 0 success, 1 failure, 2 usage error. Never lets an exception escape.</summary>
    internal static int Run(string[] args)
    {
        try
        {
            // The conformance suite drives a fixed, space-split interface; it is parsed by hand for speed and exactness.
            if (args.Length > 0 && args[0] == "conformance")
            {
                return ConformanceCommand.Run(args.AsSpan(1));
            }

            var root = BuildRootCommand();
            var parse = root.Parse(args);
            var usage = UsageErrors.Find(parse);
            if (usage.Count > 0)
            {
                foreach (var line in usage.Take(usage.Count - 1))
                {
                    Console.Error.WriteLine($"tuf: {line}");
                }

                Console.Error.WriteLine(usage[^1]);
                return ExitCodes.Usage;
            }

            // Exceptions reach the catch below (one line, no stack trace), not System.CommandLine's default handler.
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex)
        {
            return CliErrors.Report(ex);
        }
    }

    internal static RootCommand BuildRootCommand()
    {
        var root = new RootCommand("tuf: secure software updates (The Update Framework) for .NET");
        // Each command registers itself here (one line each).
        root.Subcommands.Add(DownloadCommand.Create());
        root.Subcommands.Add(KeyCommand.Create());
        root.Subcommands.Add(NotaryCommand.Create());
        root.Subcommands.Add(QuickstartCommand.Create());
        root.Subcommands.Add(RepoCommand.Create());
        root.Subcommands.Add(RolloutCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(CompletionCommand.Create(root));
        return root;
    }
}
