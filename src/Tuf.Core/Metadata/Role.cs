using System.Text.Json;

namespace Tuf;

/// <summary>The key IDs authorized for a role and how many of them must sign.</summary>
public class Role
{
    /// <summary>The authorized key IDs, in the order listed (unique).</summary>
    public IList<string> KeyIds { get; set; } = new List<string>();

    /// <summary>How many distinct authorized keys must sign; at least 1.</summary>
    public int Threshold { get; set; } = 1;

    /// <summary>Fields this library does not model.</summary>
    public IDictionary<string, JsonElement> UnrecognizedFields { get; set; } = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
}
