namespace Tuf;

/// <summary>The snapshot role: the versions (and optionally lengths and hashes) of every targets metadata file.</summary>
public sealed class Snapshot : Signed
{
    /// <summary>The <c>_type</c> value.</summary>
    public const string TypeName = "snapshot";

    /// <inheritdoc/>
    public override string Type => TypeName;

    /// <summary>Entries by file name (<c>targets.json</c>, <c>ROLE.json</c>), in the order received.</summary>
    public IDictionary<string, MetaFile> Meta { get; set; } = new Dictionary<string, MetaFile>(StringComparer.Ordinal);
}
