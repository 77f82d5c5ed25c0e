using System.Text.Json;

namespace Tuf;

/// <summary>A target file as targets metadata lists it: length, hashes and optional custom data.</summary>
public sealed class TargetFile
{
    /// <summary>The target path (the key under <c>targets</c>), as listed.</summary>
    public required string Path { get; set; }

    /// <summary>The length in bytes.</summary>
    public long Length { get; set; }

    // Both dictionaries are created on first use: a targets file can list hundreds of thousands of files,
    // and the parser sets Hashes itself while most files have no unrecognized fields.
    private IDictionary<string, string>? _hashes;
    private IDictionary<string, JsonElement>? _unrecognizedFields;

    /// <summary>Hashes by algorithm name (lowercase hex); at least one.</summary>
    public IDictionary<string, string> Hashes
    {
        get => _hashes ??= new Dictionary<string, string>(StringComparer.Ordinal);
        set => _hashes = value;
    }

    /// <summary>Fields this library does not model, including <c>custom</c>.</summary>
    public IDictionary<string, JsonElement> UnrecognizedFields
    {
        get => _unrecognizedFields ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        set => _unrecognizedFields = value;
    }

    /// <summary>The <c>custom</c> object, when present.</summary>
    public JsonElement? Custom => _unrecognizedFields is not null && _unrecognizedFields.TryGetValue("custom", out var c) ? c : null;

    /// <summary>Whether any unrecognized field is present (without creating the dictionary).</summary>
    internal bool HasUnrecognizedFields => _unrecognizedFields is { Count: > 0 };
}
