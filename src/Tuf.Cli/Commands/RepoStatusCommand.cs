using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Tuf.Cli.Output;
using Tuf.Signing;

namespace Tuf.Cli.Commands;

/// <summary>
/// <c>tuf repo status DIR [--json]</c>: each role's version, expiry (marked when expired or due for re-signing),
/// signatures against threshold; the staged changes per role; every delegation. Exits 1 when a role is expired.
/// </summary>
internal static class RepoStatusCommand
{
    private const int MaxRolesListed = 64;

    public static Command Create()
    {
        var dir = RepoCommand.DirArgument();
        var json = JsonOut.Option();
        var command = new Command("status", "Show roles, versions, expiry, signatures, staged changes and delegations; exit 1 when a role is expired") { dir, json };
        command.SetGuardedAction(parse =>
        {
            var editor = RepoCommand.Open(parse, dir);
            var now = TimeProvider.System.GetUtcNow();
            var status = editor.GetStatus();
            var details = editor.GetTargetsRoles();
            if (parse.GetValue(json))
            {
                JsonOut.Write(w => WriteJson(w, editor.Directory, status, details, now));
            }
            else
            {
                WriteText(status, details, now);
            }

            return status.Any(r => r.ExpiryAt(now) == RoleExpiry.Expired) ? ExitCodes.Failure : ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteText(IReadOnlyList<RoleStatus> status, IReadOnlyList<TargetsRoleDetails> details, DateTimeOffset now)
    {
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
            var expiry = role.ExpiryAt(now);
            string mark = expiry switch
            {
                RoleExpiry.Expired => " " + Terminal.Red("EXPIRED"),
                RoleExpiry.DueForRefresh => " " + Terminal.Yellow("(refresh due)"),
                _ => "",
            };
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{role.Name,-12} {version,-32} expires {role.Expires:yyyy-MM-ddTHH:mm:ssZ}{mark}  signatures {sigs}{targets}"));
        }

        var changes = details.Where(d => d.Added.Count + d.Removed.Count + d.Changed.Count > 0).ToList();
        if (changes.Count > 0)
        {
            Console.Out.WriteLine();
            Console.Out.WriteLine("staged changes:");
            foreach (var d in changes.Take(MaxRolesListed))
            {
                Console.Out.WriteLine($"  {d.Role}: {Count(d.Added, "added")}, {Count(d.Removed, "removed")}, {Count(d.Changed, "changed")}");
                foreach (var (sign, paths) in new[] { ("+", d.Added), ("-", d.Removed), ("~", d.Changed) })
                {
                    foreach (var path in paths.Take(20))
                    {
                        Console.Out.WriteLine($"    {sign} {path}");
                    }

                    if (paths.Count > 20)
                    {
                        Console.Out.WriteLine($"    {sign} ... {paths.Count - 20} more (tuf repo list shows all)");
                    }
                }
            }
        }

        var delegating = details.Where(d => d.Delegations.Count > 0 || d.SuccinctRoles is not null).ToList();
        if (delegating.Count > 0)
        {
            Console.Out.WriteLine();
            Console.Out.WriteLine("delegations:");
            foreach (var d in delegating.Take(MaxRolesListed))
            {
                if (d.SuccinctRoles is { } bins)
                {
                    Console.Out.WriteLine($"  {d.Role} -> {bins.NumberOfBins} hashed bins {bins.NamePrefix}-*  keys {KeyList(bins.KeyIds)}  threshold {bins.Threshold}");
                }

                foreach (var r in d.Delegations.Take(MaxRolesListed))
                {
                    string scope = r.Paths is { } p ? "paths " + string.Join(" ", p) : "hash prefixes " + string.Join(" ", r.PathHashPrefixes ?? []);
                    Console.Out.WriteLine($"  {d.Role} -> {r.Name}  {scope}  keys {KeyList(r.KeyIds)}  threshold {r.Threshold}{(r.Terminating ? "  terminating" : "")}");
                }
            }
        }
    }

    private static string Count(IReadOnlyList<string> items, string what) => $"{items.Count} {what}";

    private static string KeyList(IEnumerable<string> keyIds) => string.Join(",", keyIds.Select(k => k.Length > 12 ? k[..12] : k));

    private static void WriteJson(Utf8JsonWriter w, string directory, IReadOnlyList<RoleStatus> status, IReadOnlyList<TargetsRoleDetails> details, DateTimeOffset now)
    {
        w.WriteStartObject();
        w.WriteString("repository", directory);
        w.Time("now", now);
        w.Objects("roles", status, (w, role) =>
        {
            w.WriteString("name", role.Name);
            w.WriteNumber("version", role.Version);
            w.WriteNumber("published_version", role.PublishedVersion);
            w.WriteBoolean("staged", role.IsStaged);
            w.Time("expires", role.Expires);
            w.WriteString("expiry", role.ExpiryAt(now) switch { RoleExpiry.Expired => "expired", RoleExpiry.DueForRefresh => "refresh_due", _ => "valid" });
            w.WriteBoolean("signed", role.IsSigned);
            w.Objects("signatures", role.Signatures, (w, s) =>
            {
                w.WriteString("key_set", s.Description);
                w.WriteNumber("valid", s.Valid);
                w.WriteNumber("threshold", s.Threshold);
            });
            if (role.Name is not ("root" or "snapshot" or "timestamp"))
            {
                w.WriteNumber("targets", role.TargetCount);
            }
        });
        w.Objects("changes", details.Where(d => d.Added.Count + d.Removed.Count + d.Changed.Count > 0), (w, d) =>
        {
            w.WriteString("role", d.Role);
            w.Strings("added", d.Added);
            w.Strings("removed", d.Removed);
            w.Strings("changed", d.Changed);
        });
        w.WriteStartArray("delegations");
        foreach (var d in details)
        {
            foreach (var r in d.Delegations)
            {
                w.WriteStartObject();
                w.WriteString("from", d.Role);
                w.WriteString("name", r.Name);
                if (r.Paths is not null)
                {
                    w.Strings("paths", r.Paths);
                }

                if (r.PathHashPrefixes is not null)
                {
                    w.Strings("path_hash_prefixes", r.PathHashPrefixes);
                }

                w.Strings("keyids", r.KeyIds);
                w.WriteNumber("threshold", r.Threshold);
                w.WriteBoolean("terminating", r.Terminating);
                w.WriteEndObject();
            }

            if (d.SuccinctRoles is { } bins)
            {
                w.WriteStartObject();
                w.WriteString("from", d.Role);
                w.WriteString("succinct_roles", bins.NamePrefix);
                w.WriteNumber("bit_length", bins.BitLength);
                w.Strings("keyids", bins.KeyIds);
                w.WriteNumber("threshold", bins.Threshold);
                w.WriteEndObject();
            }
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
