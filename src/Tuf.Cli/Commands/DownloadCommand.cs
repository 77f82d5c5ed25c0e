using System.CommandLine;

namespace Tuf.Cli.Commands;

/// <summary><c>tuf download</c>: refresh, resolve targets through delegations, download and verify. (Client helper implements.)</summary>
internal static class DownloadCommand
{
    public static Command Create()
    {
        var command = new Command("download", "Refresh trusted metadata and download verified targets");
        command.SetAction(_ => ExitCodes.Failure);
        return command;
    }
}
