using System.CommandLine;
using System.IO.Enumeration;
using System.Text.Json;
using Spectre.Console;
using Tuf.Internal;
using Tuf.Signing;

namespace Tuf.Cli.Commands;

/// <summary><c>tuf repo add DIR FILE... [--as PATH] [--role ROLE] [--custom JSON]</c>.</summary>
internal static class RepoAddCommand
{
    private const int ProgressThreshold = 2000;
    private const long ProgressBytes = 256L * 1024 * 1024;

    /// <summary>What staging one target allocates, roughly (path, hashes, entry, its share of the staged metadata): 100,000 files need ~380 MiB.</summary>
    private const long BytesPerTarget = 4096;

    public static Command Create()
    {
        var dir = RepoCommand.DirArgument();
        var files = new Argument<string[]>("FILE") { Description = "Files or folders (folders add their files recursively)", Arity = ArgumentArity.OneOrMore };
        var asPath = new Option<string>("--as") { Description = "Target path for a single file, or the path prefix for a folder", HelpName = "PATH" };
        var role = new Option<string>("--role") { Description = "The targets role to add to (default: targets, or its hash bins)", HelpName = "ROLE" };
        var custom = new Option<string>("--custom") { Description = "A JSON object stored as each target's custom field", HelpName = "JSON" };
        var link = new Option<bool>("--link") { Description = "At commit, hard-link the files into targets/ instead of copying them (faster; never modify them in place afterwards)" };
        var command = new Command("add", "Stage target files: hash them (sha256, sha512) in place; commit copies them into targets/ (keep them until then)") { dir, files, asPath, role, custom, link };
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            PhaseTimer.Mark("start");
            var editor = RepoCommand.Open(parse, dir);
            PhaseTimer.Mark("open repository");
            var sources = Collect(parse.GetValue(files)!, parse.GetValue(asPath));
            PhaseTimer.Mark("list files");
            using var gcBudget = GcBudget.For(sources.Count * BytesPerTarget);
            if (parse.GetValue(link))
            {
                sources = [.. sources.Select(s => s with { Link = true })];
            }

            JsonElement? customJson = null;
            if (parse.GetValue(custom) is { } text)
            {
                try
                {
                    using var doc = JsonDocument.Parse(text);
                    customJson = doc.RootElement.Clone();
                }
                catch (JsonException ex)
                {
                    throw new UsageException($"--custom is not valid JSON: {ex.Message}");
                }
            }

            IReadOnlyList<TargetFile> added;
            bool big = sources.Count >= ProgressThreshold || sources.Sum(s => File.Exists(s.FilePath) ? new FileInfo(s.FilePath).Length : 0) >= ProgressBytes;
            if (big && !Console.IsErrorRedirected)
            {
                var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
                added = await console.Progress().StartAsync(async ctx =>
                {
                    var task = ctx.AddTask($"hashing {sources.Count} file(s)", maxValue: sources.Count);
                    var progress = new Progress<int>(n => task.Value = n);
                    return await editor.AddTargetsAsync(sources, parse.GetValue(role), customJson, progress, cancellationToken).ConfigureAwait(false);
                }).ConfigureAwait(false);
            }
            else
            {
                added = await editor.AddTargetsAsync(sources, parse.GetValue(role), customJson, null, cancellationToken).ConfigureAwait(false);
            }

            PhaseTimer.Mark("stage targets");
            editor.Save();
            PhaseTimer.Mark("save staging");
            Console.Out.WriteLine(added.Count == 1 ? $"staged {added[0].Path} ({added[0].Length} bytes)" : $"staged {added.Count} targets");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Expands folders; a single file takes <c>--as</c> as its path, a folder takes it as a prefix.</summary>
    internal static List<TargetSource> Collect(string[] inputs, string? asPath)
    {
        if (asPath is not null && inputs.Length != 1)
        {
            throw new UsageException("--as needs exactly one FILE or folder");
        }

        var sources = new List<TargetSource>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                string root = Path.GetFullPath(input);
                string prefix = asPath is null ? string.Empty : asPath.TrimEnd('/') + "/";
                string rootWithSeparator = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
                var found = new List<(string Target, string File)>();
                foreach (var file in ListFiles(root))
                {
                    string relative = file.StartsWith(rootWithSeparator, StringComparison.Ordinal) ? file[rootWithSeparator.Length..] : Path.GetRelativePath(root, file);
                    found.Add((prefix + relative.Replace(Path.DirectorySeparatorChar, '/'), file));
                }

                found.Sort((a, b) => string.CompareOrdinal(a.Target, b.Target));
                foreach (var (target, file) in found)
                {
                    sources.Add(new TargetSource(target, file));
                }
            }
            else
            {
                sources.Add(new TargetSource(asPath ?? Path.GetFileName(input), input));
            }
        }

        return sources;
    }

    /// <summary>
    /// Every file under <paramref name="root"/> (as <see cref="EnumerateFiles"/>), each top-level folder listed on its
    /// own core: listing 100,000 files in 100 folders is otherwise a tenth of a second of one core.
    /// </summary>
    private static List<string> ListFiles(string root)
    {
        var top = new FileSystemEnumerable<(string Path, bool IsDirectory)>(
            root, (ref FileSystemEntry entry) => (entry.ToFullPath(), entry.IsDirectory), new EnumerationOptions { AttributesToSkip = 0 })
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) => !entry.FileName.SequenceEqual(RepositoryEditor.StagingFolderName),
        }.ToList();
        var parts = new List<string>[top.Count];

        // A folder (or a link to one: the recursive listing follows those too) is listed recursively, a file is itself.
        ParallelWork.ForEach(Enumerable.Range(0, top.Count), i => parts[i] = top[i].IsDirectory ? [.. EnumerateFiles(top[i].Path)] : [top[i].Path]);
        return [.. parts.SelectMany(p => p)];
    }

    /// <summary>Every file under <paramref name="root"/>, hidden ones included, not descending into staging folders.</summary>
    private static FileSystemEnumerable<string> EnumerateFiles(string root) =>
        new(root, (ref FileSystemEntry entry) => entry.ToFullPath(), new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) => !entry.IsDirectory && !entry.FileName.SequenceEqual(RepositoryEditor.StagingFolderName),
            ShouldRecursePredicate = (ref FileSystemEntry entry) => !entry.FileName.SequenceEqual(RepositoryEditor.StagingFolderName),
        };
}
