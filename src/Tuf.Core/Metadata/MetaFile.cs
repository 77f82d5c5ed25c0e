using System.Text.Json;

namespace Tuf;

/// <summary>What snapshot and timestamp say about another metadata file: its version and, optionally, length and hashes.</summary>
public sealed class MetaFile
{
    /// <summary>The version of the described metadata.</summary>
    public long Version { get; set; } = 1;

    /// <summary>The length in bytes, when listed.</summary>
    public long? Length { get; set; }

    /// <summary>Hashes by algorithm name (lowercase hex), when listed.</summary>
    public IDictionary<string, string>? Hashes { get; set; }

    /// <summary>Fields this library does not model.</summary>
    public IDictionary<string, JsonElement> UnrecognizedFields { get; set; } = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
}
