using System.Text.Json;

namespace Tuf;

/// <summary>A target file as targets metadata lists it: length, hashes and optional custom data.</summary>
public sealed class TargetFile
{
    /// <summary>The target path (the key under <c>targets</c>), as listed.</summary>
    public required string Path { get; set; }

    /// <summary>The length in bytes.</summary>
    public long Length { get; set; }

    /// <summary>Hashes by algorithm name (lowercase hex); at least one.</summary>
    public IDictionary<string, string> Hashes { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Fields this library does not model, including <c>custom</c>.</summary>
    public IDictionary<string, JsonElement> UnrecognizedFields { get; set; } = new Dictionary<string, JsonElement>(StringComparer.Ordinal);

    /// <summary>The <c>custom</c> object, when present.</summary>
    public JsonElement? Custom => UnrecognizedFields.TryGetValue("custom", out var c) ? c : null;
}
