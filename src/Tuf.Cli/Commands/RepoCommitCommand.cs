using System.CommandLine;
using Spectre.Console;
using Tuf.Internal;
using Tuf.Signing;

namespace Tuf.Cli.Commands;

/// <summary><c>tuf repo commit DIR [--key NAME...] [--refresh]</c>.</summary>
internal static class RepoCommitCommand
{
    /// <summary>What a commit allocates per byte of staged roles and sources, roughly (100,000 targets: 49 MB staged, ~400 MB).</summary>
    private const long AllocatedPerStagedByte = 8;

    public static Command Create()
    {
        var dir = RepoCommand.DirArgument();
        var keys = RepoCommand.Many("--key", "Keys to sign with (each signs the roles it belongs to)", "NAME");
        var refresh = new Option<bool>("--refresh") { Description = "Make and sign a new snapshot and timestamp even if nothing changed" };
        var keystore = KeyResolver.KeystoreOption();
        var command = new Command("commit", "Sign and publish staged roles with a new snapshot and timestamp") { dir, keys, refresh, keystore };
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            PhaseTimer.Mark("start");
            var editor = RepoCommand.Open(parse, dir);

            // A large commit keeps what it parses from the staging area until it exits (see GcBudget).
            using var gcBudget = GcBudget.For(editor.StagingAreaBytes * AllocatedPerStagedByte);

            // Read the staging area (a large add stages every hash bin) while the keys are derived from passphrases.
            var preparing = Task.Run(editor.PrepareCommit, cancellationToken);
            List<ISigner> signers;
            try
            {
                signers = RepoCommand.Signers(KeyResolver.Open(parse, keystore), parse.GetValue(keys));
            }
            catch
            {
                await Task.WhenAny(preparing).ConfigureAwait(false); // the unlock error is the one to report
                throw;
            }

            try
            {
                await preparing.ConfigureAwait(false);
                PhaseTimer.Mark("open + unlock keys + load staging");
                // A large commit (many staged targets to copy and sign) shows a spinner with the elapsed time at a terminal.
                var commit = () => editor.CommitAsync(signers, parse.GetValue(refresh), cancellationToken);
                var result = editor.StagingAreaBytes >= SpinnerStagingBytes && Output.Terminal.StderrIsTerminal
                    ? await AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) })
                        .Status().StartAsync("committing: copying targets, signing and writing metadata", _ => commit()).ConfigureAwait(false)
                    : await commit().ConfigureAwait(false);
                if (result.IsEmpty)
                {
                    Console.Out.WriteLine("nothing to commit" + ExpiryAdvice(editor));
                    return ExitCodes.Ok;
                }

                string roles = result.Roles.Count <= 8
                    ? string.Join(", ", result.Roles.Select(r => $"{r.Key} v{r.Value}"))
                    : $"{result.Roles.Count} roles";
                Console.Out.WriteLine($"committed {roles}; {Plural(result.MetadataFilesWritten, "metadata file")}, {Plural(result.TargetFilesWritten, "target file")} written");
                return ExitCodes.Ok;
            }
            finally
            {
                RepoCommand.DisposeAll(signers);
            }
        });
        return command;
    }

    /// <summary>"; snapshot expires ... : use --refresh" when a role is expired or due for re-signing.</summary>
    private static string ExpiryAdvice(RepositoryEditor editor)
    {
        var now = TimeProvider.System.GetUtcNow();
        var due = editor.GetStatus().Where(r => r.ExpiryAt(now) != RoleExpiry.Valid).ToList();
        if (due.Count == 0)
        {
            return "";
        }

        string roles = string.Join(", ", due.Select(r => $"{r.Name} {(r.ExpiryAt(now) == RoleExpiry.Expired ? "expired" : "expires")} {r.Expires.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"));
        bool onlyRefreshable = due.All(r => r.Name is "snapshot" or "timestamp");
        return onlyRefreshable
            ? $"; {roles}: use --refresh to re-sign snapshot and timestamp"
            : $"; {roles}: use 'tuf repo expire DIR ROLE DAYS' then commit (snapshot and timestamp: --refresh)";
    }

    /// <summary>Staging areas this large (about 5,000 staged targets) take more than a second to commit.</summary>
    private const long SpinnerStagingBytes = 1L << 20;

    private static string Plural(int count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";
}
