using System.CommandLine;
using Tuf.Signing;

namespace Tuf.Cli.Commands;

/// <summary><c>tuf repo</c>: edit, sign and publish a static TUF repository folder offline.</summary>
internal static class RepoCommand
{
    public static Command Create()
    {
        var command = new Command("repo", "Edit, sign and publish a TUF repository folder (offline)");
        command.Subcommands.Add(RepoInitCommand.Create());
        command.Subcommands.Add(RepoAddCommand.Create());
        command.Subcommands.Add(RepoAddImageCommand.Create());
        command.Subcommands.Add(RepoRemoveCommand.Create());
        command.Subcommands.Add(RepoDelegateCommand.Create());
        command.Subcommands.Add(RepoDelegateBinsCommand.Create());
        command.Subcommands.Add(RepoSignCommand.Create());
        command.Subcommands.Add(RepoCommitCommand.Create());
        command.Subcommands.Add(RepoStatusCommand.Create());
        command.Subcommands.Add(RepoListCommand.Create());
        command.Subcommands.Add(RepoRotateCommand.Create());
        command.Subcommands.Add(RepoExpireCommand.Create());
        command.Subcommands.Add(RepoPublishCommand.Create());
        return command;
    }

    public static Argument<string> DirArgument() => new("DIR") { Description = "The repository folder" };

    /// <summary>An option taking one or more values: <c>--key a b</c> or <c>--key a --key b</c>.</summary>
    public static Option<string[]> Many(string name, string description, string helpName) => new(name)
    {
        Description = description,
        HelpName = helpName,
        AllowMultipleArgumentsPerToken = true,
        Arity = ArgumentArity.OneOrMore,
    };

    public static Option<int> Threshold(string name = "--threshold") => new(name)
    {
        Description = "How many keys must sign",
        HelpName = "N",
        DefaultValueFactory = _ => 1,
    };

    public static RepositoryEditor Open(ParseResult parse, Argument<string> dir) => RepositoryEditor.Open(parse.GetValue(dir)!);

    /// <summary>Unlocks each named key (each asks for its passphrase unless TUF_KEY_PASSPHRASE is set).</summary>
    /// <remarks>
    /// Passphrases are asked one key at a time; the key derivations (Argon2id, a tenth of a second and 64 MiB each)
    /// then run on every core. When one fails (a wrong passphrase), the keys already unlocked are disposed.
    /// </remarks>
    public static List<ISigner> Signers(KeyStore store, IEnumerable<string>? names)
    {
        var list = (names ?? []).Distinct(StringComparer.Ordinal).ToList();
        var passphrases = list.Select(n => KeyResolver.Passphrase(store, n)).ToList();
        var signers = new ISigner?[list.Count];
        var errors = new Exception?[list.Count];
        Parallel.For(0, list.Count, i =>
        {
            try
            {
                signers[i] = store.Unlock(list[i], passphrases[i]);
            }
            catch (Exception ex)
            {
                errors[i] = ex;
            }
        });

        // The first key (in the order given) that failed is the one reported, as if they were unlocked in turn.
        if (errors.FirstOrDefault(e => e is not null) is { } error)
        {
            DisposeAll(signers.OfType<ISigner>());
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        }

        return [.. signers.OfType<ISigner>()];
    }

    public static void DisposeAll(IEnumerable<ISigner> signers)
    {
        foreach (var s in signers)
        {
            (s as IDisposable)?.Dispose();
        }
    }
}
