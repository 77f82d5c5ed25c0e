namespace Tuf;

/// <summary>The root role: the keys and thresholds of the top-level roles.</summary>
public sealed class Root : Signed
{
    /// <summary>The <c>_type</c> value.</summary>
    public const string TypeName = "root";

    /// <inheritdoc/>
    public override string Type => TypeName;

    /// <summary>Whether the repository serves consistent snapshots (<c>N.role.json</c>, <c>HASH.name</c>).</summary>
    public bool ConsistentSnapshot { get; set; } = true;

    /// <summary>All keys, by key ID.</summary>
    public IDictionary<string, Key> Keys { get; set; } = new Dictionary<string, Key>(StringComparer.Ordinal);

    /// <summary>The four top-level roles (<c>root</c>, <c>timestamp</c>, <c>snapshot</c>, <c>targets</c>), by name.</summary>
    public IDictionary<string, Role> Roles { get; set; } = new Dictionary<string, Role>(StringComparer.Ordinal);
}
