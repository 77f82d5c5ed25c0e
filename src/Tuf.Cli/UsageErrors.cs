using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace Tuf.Cli;

/// <summary>
/// Usage errors in the user's words: an unknown option or command is named, with the closest known one suggested,
/// also where System.CommandLine would have taken it as a value (<c>--key targets --kestore keys</c>); a value that
/// cannot be converted names its option and what was expected; the hint names the command's own <c>--help</c>.
/// </summary>
internal static partial class UsageErrors
{
    /// <summary>The error lines for <paramref name="parse"/> (the last one is the hint), or none when it is fine.</summary>
    public static IReadOnlyList<string> Find(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        string path = CommandPath(parse.CommandResult);
        var errors = new List<string>();

        // Tokens that look like options but are not options of this command: before any "--", they are mistakes.
        var known = KnownOptions(parse.CommandResult);
        foreach (var token in parse.Tokens)
        {
            if (token.Type == TokenType.DoubleDash)
            {
                break;
            }

            if (token.Type != TokenType.Option && LooksLikeOption(token.Value) && !known.Contains(OptionName(token.Value)))
            {
                errors.Add($"unknown option '{token.Value}' for '{path}'{Suggest(OptionName(token.Value), known)}");
            }
        }

        foreach (var error in parse.Errors.Where(e => UnrecognizedPattern().IsMatch(e.Message)))
        {
            if (Rephrase(error, command, path, errors) is { } line && !errors.Contains(line))
            {
                errors.Add(line);
            }
        }

        // A mistyped name explains the rest ("required option missing" and so on): only it is reported then.
        if (errors.Count == 0)
        {
            foreach (var error in parse.Errors)
            {
                if (Rephrase(error, command, path, errors) is { } line && !errors.Contains(line))
                {
                    errors.Add(line);
                }
            }
        }

        if (errors.Count == 0)
        {
            return [];
        }

        bool optionMistake = errors.Exists(e => e.StartsWith("unknown option", StringComparison.Ordinal));
        errors.Add($"Run '{path} --help' for usage." + (optionMistake ? " A value that starts with '-' goes after '--'." : ""));
        return errors;
    }

    private static string? Rephrase(ParseError error, Command command, string path, List<string> already)
    {
        string message = error.Message;
        var unrecognized = UnrecognizedPattern().Match(message);
        if (unrecognized.Success)
        {
            string token = unrecognized.Groups[1].Value;
            if (LooksLikeOption(token))
            {
                // Already reported from the tokens (or reported now, if the parser saw it differently).
                string line = $"unknown option '{token}' for '{path}'{Suggest(OptionName(token), KnownOptionsOf(command))}";
                return already.Contains(line) ? null : line;
            }

            if (command.Subcommands.Count > 0)
            {
                var names = command.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Prepend(c.Name)).ToHashSet(StringComparer.Ordinal);
                return $"unknown command '{token}' for '{path}'{Suggest(token, names)}";
            }

            return $"unexpected argument '{token}' for '{path}'";
        }

        var conversion = ConversionPattern().Match(message);
        if (conversion.Success)
        {
            string value = conversion.Groups[1].Value;
            string what = error.SymbolResult switch
            {
                OptionResult o => o.Option.Name,
                ArgumentResult { Parent: OptionResult o } => o.Option.Name,
                ArgumentResult a => a.Argument.Name,
                _ => conversion.Groups[3].Value,
            };
            return $"{what}: '{value}' is not {Expected(conversion.Groups[4].Value)}";
        }

        if (message.StartsWith("Required command was not provided", StringComparison.Ordinal))
        {
            return $"'{path}' needs a command: {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}";
        }

        return message.TrimEnd('.') is { Length: > 0 } m ? char.ToLowerInvariant(m[0]) + m[1..] : message;
    }

    private static string Expected(string typeName) => typeName switch
    {
        _ when typeName.Contains("Int", StringComparison.Ordinal) => "a whole number",
        _ when typeName.Contains("Double", StringComparison.Ordinal) || typeName.Contains("Decimal", StringComparison.Ordinal) => "a number",
        _ when typeName.Contains("TimeSpan", StringComparison.Ordinal) => "a duration (such as 30s, 5m or 00:05:00)",
        _ when typeName.Contains("Boolean", StringComparison.Ordinal) => "true or false",
        _ => "a valid value",
    };

    /// <summary><c>tuf repo commit</c> for the command that was parsed.</summary>
    public static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is CommandResult c)
            {
                names.Add(c.Command is RootCommand ? "tuf" : c.Command.Name);
            }
        }

        names.Reverse();
        return string.Join(' ', names);
    }

    private static HashSet<string> KnownOptions(CommandResult result)
    {
        var known = KnownOptionsOf(result.Command);
        for (SymbolResult? r = result.Parent; r is not null; r = r.Parent)
        {
            if (r is CommandResult c)
            {
                foreach (var option in c.Command.Options.Where(o => o.Recursive))
                {
                    known.UnionWith(option.Aliases.Prepend(option.Name));
                }
            }
        }

        return known;
    }

    private static HashSet<string> KnownOptionsOf(Command command) =>
        command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).ToHashSet(StringComparer.Ordinal);

    /// <summary>A token that is meant as an option: <c>-x</c>, <c>--name</c>, <c>--name=value</c>; not <c>-</c> or a negative number.</summary>
    private static bool LooksLikeOption(string token) =>
        token.Length > 1 && token[0] == '-' && !char.IsAsciiDigit(token[1]) && token[1] != '.';

    private static string OptionName(string token)
    {
        int eq = token.IndexOfAny([':', '=']);
        return eq > 0 ? token[..eq] : token;
    }

    /// <summary>" (did you mean 'X'?)" for the closest name, when one is close enough to be a typing mistake.</summary>
    internal static string Suggest(string typed, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            int distance = Distance(typed, candidate);
            if (distance < bestDistance || (distance == bestDistance && string.CompareOrdinal(candidate, best) < 0))
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        string bare = typed.TrimStart('-');
        bool close = best is not null && (bestDistance <= Math.Max(2, bare.Length / 3)
            || (bare.Length >= 3 && best.TrimStart('-').StartsWith(bare, StringComparison.Ordinal)));
        return close ? $" (did you mean '{best}'?)" : "";
    }

    /// <summary>Optimal string alignment distance (Levenshtein with transpositions).</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    [GeneratedRegex(@"^Unrecognized command or argument '(.*)'\.?$", RegexOptions.Singleline)]
    private static partial Regex UnrecognizedPattern();

    [GeneratedRegex(@"^Cannot parse argument '(.*)' for (command|option) '(.*)' as expected type '(.*)'\.?$", RegexOptions.Singleline)]
    private static partial Regex ConversionPattern();
}
