using System.Text.Json;

namespace Tuf;

/// <summary>The delegations of a targets role: keys, and either ordered roles or TAP 15 succinct hash bins.</summary>
public sealed class Delegations
{
    /// <summary>Keys of the delegated roles, by key ID.</summary>
    public IDictionary<string, Key> Keys { get; set; } = new Dictionary<string, Key>(StringComparer.Ordinal);

    /// <summary>Delegated roles in priority order; <see langword="null"/> when <see cref="SuccinctRoles"/> is used.</summary>
    public IList<DelegatedRole>? Roles { get; set; }

    /// <summary>TAP 15 succinct hash-bin delegation; <see langword="null"/> when <see cref="Roles"/> is used.</summary>
    public SuccinctRoles? SuccinctRoles { get; set; }

    /// <summary>Fields this library does not model.</summary>
    public IDictionary<string, JsonElement> UnrecognizedFields { get; set; } = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
}
