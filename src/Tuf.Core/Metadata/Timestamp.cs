namespace Tuf;

/// <summary>The timestamp role: the current snapshot's version (and optionally its length and hashes).</summary>
public sealed class Timestamp : Signed
{
    /// <summary>The <c>_type</c> value.</summary>
    public const string TypeName = "timestamp";

    /// <inheritdoc/>
    public override string Type => TypeName;

    /// <summary>The entry <c>meta["snapshot.json"]</c>.</summary>
    public MetaFile SnapshotMeta { get; set; } = new();

    /// <summary>
    /// Entries of <c>meta</c> other than <c>snapshot.json</c>, kept so that they are written back unchanged
    /// (the specification lists only <c>snapshot.json</c>; clients ignore the rest).
    /// </summary>
    internal IDictionary<string, MetaFile> OtherMeta { get; set; } = new Dictionary<string, MetaFile>(StringComparer.Ordinal);
}
