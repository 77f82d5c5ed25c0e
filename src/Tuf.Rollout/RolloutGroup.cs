using System.Text.Json;
using Tuf.Rollout.Local;
using Tuf.Rollout.Swarm;

namespace Tuf.Rollout;

/// <summary>Reads a group file and hands it to its provider: <c>"provider": "local"</c> (<see cref="GroupFile"/>) or <c>"swarm"</c> (<see cref="SwarmGroup"/>).</summary>
public static class RolloutGroup
{
    /// <summary>Reads and validates a group file.</summary>
    /// <param name="path">The group file.</param>
    /// <returns>A <see cref="GroupFile"/> or a <see cref="SwarmGroup"/>.</returns>
    /// <exception cref="FormatException">The file is missing, too large, not JSON, or not a valid group (the message says why).</exception>
    public static object Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FormatException($"group file {path} does not exist");
        }

        var bytes = File.ReadAllBytes(full);
        if (bytes.Length > 1 << 20)
        {
            throw new FormatException($"group file {path} is larger than 1 MiB");
        }

        try
        {
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 16 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("group file must hold a JSON object");
            }

            var provider = root.TryGetProperty("provider", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            return provider switch
            {
                "local" => GroupFile.Parse(full, root),
                "swarm" => SwarmGroup.Parse(full, root),
                _ => throw new FormatException("group file: \"provider\" must be \"local\" or \"swarm\""),
            };
        }
        catch (JsonException ex)
        {
            throw new FormatException($"group file {path} is not valid JSON: {ex.Message}", ex);
        }
    }
}
