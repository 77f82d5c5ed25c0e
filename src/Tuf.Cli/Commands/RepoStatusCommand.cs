using System.CommandLine;
using System.Globalization;

namespace Tuf.Cli.Commands;

/// <summary><c>tuf repo status DIR</c>: each role's version, expiry, signatures against threshold, and what is staged.</summary>
internal static class RepoStatusCommand
{
    private const int MaxRolesListed = 64;

    public static Command Create()
    {
        var dir = RepoCommand.DirArgument();
        var command = new Command("status", "Show roles, versions, expiry, signatures and staged changes") { dir };
        command.SetGuardedAction(parse =>
        {
            var editor = RepoCommand.Open(parse, dir);
            var status = editor.GetStatus();
            int listed = 0;
            foreach (var role in status)
            {
                if (listed++ == MaxRolesListed)
                {
                    Console.Out.WriteLine($"... {status.Count - MaxRolesListed} more roles ({status.Count(r => r.IsStaged)} staged in all)");
                }

                if (listed > MaxRolesListed && role.Name is not ("snapshot" or "timestamp"))
                {
                    continue;
                }

                string version = role.IsStaged && role.PublishedVersion == 0
                    ? $"v{role.Version} (new, staged)"
                    : role.IsStaged && role.Version != role.PublishedVersion
                    ? $"v{role.PublishedVersion} -> v{role.Version} (staged)"
                    : role.IsStaged ? $"v{role.Version} (new version at commit)" : $"v{role.Version}";
                string sigs = string.Join(", ", role.Signatures.Select(s => $"{s.Valid}/{s.Threshold}" + (role.Signatures.Count > 1 ? $" {s.Description}" : string.Empty)));
                string targets = role.Name is "root" or "snapshot" or "timestamp" ? string.Empty : $"  targets {role.TargetCount}";
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{role.Name,-12} {version,-32} expires {role.Expires:yyyy-MM-ddTHH:mm:ssZ}  signatures {sigs}{targets}"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
