namespace Tuf;

/// <summary>How <see cref="MetadataWriter"/> lays out a whole metadata file.</summary>
public enum MetadataFileFormat
{
    /// <summary>Canonical JSON of the whole envelope (compact).</summary>
    Canonical,

    /// <summary>The layout python-tuf writes by default: sorted keys, one-space indent, <c>", "</c>/<c>": "</c> separators, non-ASCII escaped.</summary>
    Indented,
}

/// <summary>Serializes the metadata model. The signed part is always canonical JSON; unknown fields are written back unchanged.</summary>
public static class MetadataWriter
{
    /// <summary>The canonical JSON bytes of <paramref name="signed"/>: what a signature covers.</summary>
    /// <param name="signed">The payload.</param>
    /// <returns>Canonical bytes.</returns>
    public static byte[] ToCanonicalBytes(Signed signed) => throw new NotImplementedException();

    /// <summary>The bytes of a whole metadata file: <c>{"signatures":[...],"signed":{...}}</c>, plus any unrecognized top-level fields.</summary>
    /// <param name="signed">The payload.</param>
    /// <param name="signatures">The signatures in order.</param>
    /// <param name="format">Layout of the file.</param>
    /// <returns>The file bytes.</returns>
    public static byte[] ToFileBytes(Signed signed, IEnumerable<Signature> signatures, MetadataFileFormat format = MetadataFileFormat.Canonical) => throw new NotImplementedException();

    /// <summary>The canonical JSON bytes of a key object (<c>keytype</c>, <c>scheme</c>, <c>keyval</c>, unknown fields).</summary>
    /// <param name="key">The key.</param>
    /// <returns>Canonical bytes.</returns>
    public static byte[] ToCanonicalBytes(Key key) => throw new NotImplementedException();
}
