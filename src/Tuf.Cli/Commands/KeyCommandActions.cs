using System.CommandLine;

namespace Tuf.Cli.Commands;

/// <summary>
/// Sets command actions that report errors through <see cref="CliErrors"/> (one line, exit 1 or 2) instead of
/// System.CommandLine's default handler, which prints "Unhandled exception" and a stack trace.
/// </summary>
internal static class KeyCommandActions
{
    public static void SetGuardedAction(this Command command, Func<ParseResult, int> action) =>
        command.SetAction(parse =>
        {
            try
            {
                return action(parse);
            }
            catch (Exception ex)
            {
                return CliErrors.Report(ex);
            }
        });

    public static void SetGuardedAction(this Command command, Func<ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                return await action(parse, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                return CliErrors.Report(ex);
            }
        });
}
