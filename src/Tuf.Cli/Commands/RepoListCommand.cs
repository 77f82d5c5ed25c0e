using System.CommandLine;
using System.Globalization;
using Tuf.Cli.Output;

namespace Tuf.Cli.Commands;

/// <summary>
/// <c>tuf repo list DIR [--role R] [--json]</c>: every target as the next commit would publish it (what
/// <c>notary list</c> shows): path, length, hashes, custom data and the role that lists it; staged ones marked.
/// </summary>
internal static class RepoListCommand
{
    public static Command Create()
    {
        var dir = RepoCommand.DirArgument();
        var role = new Option<string>("--role") { Description = "Only the targets this role lists", HelpName = "ROLE" };
        var json = JsonOut.Option();
        var command = new Command("list", "List targets with length, hashes, custom data and role") { dir, role, json };
        command.SetGuardedAction(parse =>
        {
            var editor = RepoCommand.Open(parse, dir);
            var roles = editor.GetTargetsRoles();
            if (parse.GetValue(role) is { } only)
            {
                roles = roles.Where(r => r.Role == only).ToList();
                if (roles.Count == 0)
                {
                    throw new UsageException($"--role: no targets role named '{only}' in {editor.Directory} (tuf repo status lists them)");
                }
            }

            var rows = roles.SelectMany(r => r.Targets.OrderBy(t => t.Key, StringComparer.Ordinal)
                .Select(t => (Role: r.Role, Path: t.Key, File: t.Value, Staged: r.Added.Contains(t.Key) || r.Changed.Contains(t.Key)))).ToList();
            if (parse.GetValue(json))
            {
                JsonOut.Write(w =>
                {
                    w.WriteStartObject();
                    w.Objects("targets", rows, (w, row) =>
                    {
                        w.WriteString("path", row.Path);
                        w.WriteString("role", row.Role);
                        w.WriteNumber("length", row.File.Length);
                        w.Hashes(row.File.Hashes);
                        if (row.File.Custom is { } custom)
                        {
                            w.WritePropertyName("custom");
                            custom.WriteTo(w);
                        }

                        w.WriteBoolean("staged", row.Staged);
                    });
                    w.WriteEndObject();
                });
                return ExitCodes.Ok;
            }

            if (rows.Count == 0)
            {
                Console.Out.WriteLine("no targets");
            }

            foreach (var row in rows)
            {
                string sha256 = row.File.Hashes.TryGetValue("sha256", out var h) ? "sha256:" + h : string.Join(" ", row.File.Hashes.Select(p => $"{p.Key}:{p.Value}"));
                string custom = row.File.Custom is { } c ? "  custom " + c.GetRawText().ReplaceLineEndings(" ") : "";
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{row.Path}  {row.File.Length} bytes  {row.Role}{(row.Staged ? " (staged)" : "")}  {sha256}{custom}"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
