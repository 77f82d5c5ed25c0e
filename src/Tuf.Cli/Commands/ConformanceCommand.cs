namespace Tuf.Cli.Commands;

/// <summary>The tuf-conformance client interface (see CONFORMANCE-CLI.md). (Client helper implements.)</summary>
internal static class ConformanceCommand
{
    public static int Run(ReadOnlySpan<string> args) => args.Length == 0 ? ExitCodes.Usage : ExitCodes.Failure;
}
