using System.Text.Json;

namespace Tuf.Rollout.Local;

/// <summary>One instance of a local group.</summary>
/// <param name="Name">Unique name.</param>
/// <param name="Directory">Absolute instance folder (releases/, current, run/).</param>
/// <param name="Start">Start command (sh syntax) with <c>{current}</c> and <c>{port}</c> placeholders.</param>
/// <param name="Health">An http(s) URL (2xx = healthy) or <c>cmd:...</c> (exit 0 = healthy), with the same placeholders.</param>
/// <param name="Ports">Port per slot; two or more allow start-first. Empty: one slot, no <c>{port}</c>.</param>
public sealed record LocalInstance(string Name, string Directory, string Start, string Health, IReadOnlyList<int> Ports);

/// <summary>
/// The group file of the local provider:
/// <code>
/// { "provider": "local", "stopGraceSeconds": 5,
///   "instances": [ { "name": "web-1", "dir": "instances/web-1", "start": "sh {current}/run.sh {port}",
///                    "health": "http://127.0.0.1:{port}/health", "ports": [18081, 18091] } ] }
/// </code>
/// Relative folders are relative to the group file. <c>"port": N</c> is shorthand for <c>"ports": [N]</c>.
/// </summary>
/// <param name="Path">Absolute path of the group file.</param>
/// <param name="Instances">The instances.</param>
/// <param name="StopGrace">Time between SIGTERM and SIGKILL.</param>
public sealed record GroupFile(string Path, IReadOnlyList<LocalInstance> Instances, TimeSpan StopGrace)
{
    /// <summary>The folder holding the rollout journal and the verified artifacts of this group.</summary>
    public string StateDirectory => Path + ".state";

    /// <summary>Reads and validates a group file.</summary>
    /// <exception cref="FormatException">The file is not a valid group file (message says why).</exception>
    public static GroupFile Load(string path) =>
        RolloutGroup.Load(path) as GroupFile ?? throw new FormatException($"group file {path}: \"provider\" is not \"local\"");

    /// <summary>Reads a local group from a parsed group file.</summary>
    internal static GroupFile Parse(string full, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("group file must hold a JSON object");
        }

        var grace = TimeSpan.FromSeconds(5);
        if (root.TryGetProperty("stopGraceSeconds", out var g))
        {
            if (g.ValueKind != JsonValueKind.Number || !g.TryGetDouble(out var seconds) || seconds < 0 || seconds > 3600)
            {
                throw new FormatException("group file: \"stopGraceSeconds\" must be a number of seconds between 0 and 3600");
            }

            grace = TimeSpan.FromSeconds(seconds);
        }

        if (!root.TryGetProperty("instances", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            throw new FormatException("group file: \"instances\" must be a non-empty array");
        }

        var baseDir = System.IO.Path.GetDirectoryName(full)!;
        var instances = new List<LocalInstance>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var dirs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list.EnumerateArray())
        {
            var name = RequiredString(item, "name", "?");
            if (name.Length == 0 || name.Length > 100 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            {
                throw new FormatException($"group file: instance name '{name}' must be 1-100 letters, digits, '-', '_' or '.'");
            }

            if (!names.Add(name))
            {
                throw new FormatException($"group file: instance name '{name}' is listed twice");
            }

            var dir = System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDir, RequiredString(item, "dir", name)));
            if (!dirs.Add(dir))
            {
                throw new FormatException($"group file: instance '{name}' shares its folder with another instance");
            }

            var ports = new List<int>();
            if (item.TryGetProperty("ports", out var ps))
            {
                if (ps.ValueKind != JsonValueKind.Array)
                {
                    throw new FormatException($"group file: instance '{name}': \"ports\" must be an array of port numbers");
                }

                foreach (var port in ps.EnumerateArray())
                {
                    ports.Add(Port(port, name));
                }
            }
            else if (item.TryGetProperty("port", out var single))
            {
                ports.Add(Port(single, name));
            }

            if (ports.Distinct().Count() != ports.Count)
            {
                throw new FormatException($"group file: instance '{name}' lists a port twice");
            }

            var start = RequiredString(item, "start", name);
            var health = RequiredString(item, "health", name);
            if (ports.Count == 0 && (start.Contains("{port}", StringComparison.Ordinal) || health.Contains("{port}", StringComparison.Ordinal)))
            {
                throw new FormatException($"group file: instance '{name}' uses {{port}} but lists no \"ports\"");
            }

            if (!health.StartsWith("cmd:", StringComparison.Ordinal)
                && !health.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !health.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                throw new FormatException($"group file: instance '{name}': \"health\" must be an http(s) URL or cmd:COMMAND");
            }

            instances.Add(new LocalInstance(name, dir, start, health, ports));
        }

        return new GroupFile(full, instances, grace);
    }

    private static int Port(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var v) && v is > 0 and < 65536
            ? v
            : throw new FormatException($"group file: instance '{name}': ports must be numbers between 1 and 65535");

    private static string RequiredString(JsonElement item, string property, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new FormatException($"group file: instance '{name}' needs a string \"{property}\"");
}
