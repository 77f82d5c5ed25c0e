namespace Tuf;

/// <summary>How <see cref="MetadataWriter"/> lays out a whole metadata file.</summary>
public enum MetadataFileFormat
{
    /// <summary>
    /// Canonical JSON of the whole envelope. Strings hold raw control characters (e.g. the newlines of PEM keys), so
    /// strict JSON readers may refuse such a file: use it for signing input, not for files to publish.
    /// </summary>
    Canonical,

    /// <summary>The layout python-tuf writes by default: sorted keys, one-space indent, <c>", "</c>/<c>": "</c> separators, non-ASCII escaped.</summary>
    Indented,

    /// <summary>Sorted keys and no whitespace like canonical JSON, but strings escaped as python-tuf's compact serializer does (ASCII-only), so the file is valid JSON.</summary>
    Compact,
}

/// <summary>Serializes the metadata model. The signed part is always canonical JSON; unknown fields are written back unchanged.</summary>
/// <remarks>
/// <c>expires</c> is written in the spec form <c>YYYY-MM-DDTHH:MM:SSZ</c> (UTC, whole seconds), except that metadata
/// parsed from an RFC 3339 variant keeps its original text while <see cref="Signed.Expires"/> is unchanged.
/// </remarks>
public static class MetadataWriter
{
    /// <summary>The canonical JSON bytes of <paramref name="signed"/>: what a signature covers.</summary>
    /// <param name="signed">The payload.</param>
    /// <returns>Canonical bytes.</returns>
    /// <exception cref="ArgumentException">The model is inconsistent (a null member, a lone surrogate, an unrecognized field named like a known one).</exception>
    /// <exception cref="DeserializationException">An unrecognized field holds a float or a lone surrogate.</exception>
    public static byte[] ToCanonicalBytes(Signed signed)
    {
        ArgumentNullException.ThrowIfNull(signed);
        using var output = new PooledBufferWriter(EstimateSize(signed));
        new CanonicalModelWriter(output).WriteSigned(signed);
        return output.ToArray();
    }

    /// <summary>The bytes of a whole metadata file: <c>{"signatures":[...],"signed":{...}}</c>, plus any unrecognized top-level fields.</summary>
    /// <param name="signed">The payload.</param>
    /// <param name="signatures">The signatures in order.</param>
    /// <param name="format">Layout of the file.</param>
    /// <returns>The file bytes.</returns>
    /// <exception cref="ArgumentException">The model is inconsistent.</exception>
    /// <exception cref="DeserializationException">An unrecognized field holds a float or a lone surrogate.</exception>
    public static byte[] ToFileBytes(Signed signed, IEnumerable<Signature> signatures, MetadataFileFormat format = MetadataFileFormat.Compact)
    {
        ArgumentNullException.ThrowIfNull(signed);
        ArgumentNullException.ThrowIfNull(signatures);
        if (format is not (MetadataFileFormat.Canonical or MetadataFileFormat.Indented or MetadataFileFormat.Compact))
        {
            throw new ArgumentOutOfRangeException(nameof(format));
        }

        bool indented = format == MetadataFileFormat.Indented;
        using var output = new PooledBufferWriter(EstimateSize(signed) * (indented ? 2 : 1));
        new CanonicalModelWriter(output, pretty: indented, jsonEscapes: format == MetadataFileFormat.Compact).WriteEnvelope(signed, signatures);
        return output.ToArray();
    }

    /// <summary>
    /// The bytes of a metadata file whose <c>signed</c> part is <paramref name="canonicalSigned"/> (what the
    /// signatures cover), laid out from those bytes instead of encoding the model again; <see langword="null"/> when
    /// the layout escapes some of their characters differently (a non-ASCII or control character in a string).
    /// </summary>
    /// <param name="canonicalSigned">The canonical JSON of the payload.</param>
    /// <param name="signatures">The signatures in order.</param>
    /// <param name="format">Layout of the file.</param>
    /// <returns>The file bytes, or <see langword="null"/>.</returns>
    public static byte[]? TryFileBytes(ReadOnlyMemory<byte> canonicalSigned, IReadOnlyList<Signature> signatures, MetadataFileFormat format)
    {
        // Canonical JSON escapes only '"' and '\\'; the file layouts also escape every byte outside printable ASCII.
        if (format is not (MetadataFileFormat.Canonical or MetadataFileFormat.Compact or MetadataFileFormat.Indented)
            || (format != MetadataFileFormat.Canonical && canonicalSigned.Span.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) >= 0))
        {
            return null;
        }

        bool indented = format == MetadataFileFormat.Indented;
        using var output = new PooledBufferWriter(((indented ? 2 : 1) * canonicalSigned.Length) + 64 + (signatures.Count * 256));
        new CanonicalModelWriter(output, pretty: indented, jsonEscapes: format == MetadataFileFormat.Compact).WriteEnvelope(canonicalSigned, signatures);
        return output.ToArray();
    }

    /// <summary>The canonical JSON bytes of a key object (<c>keytype</c>, <c>scheme</c>, <c>keyval</c>, unknown fields).</summary>
    /// <param name="key">The key.</param>
    /// <returns>Canonical bytes.</returns>
    /// <exception cref="ArgumentException">The key is inconsistent (a null member, a lone surrogate).</exception>
    public static byte[] ToCanonicalBytes(Key key)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var output = new PooledBufferWriter(512);
        new CanonicalModelWriter(output).WriteKey(key);
        return output.ToArray();
    }

    private static int EstimateSize(Signed signed) => signed switch
    {
        Targets t => 4096 + Math.Min(t.TargetFiles.Count, 1 << 20) * 256,
        Snapshot s => 1024 + Math.Min(s.Meta.Count, 1 << 20) * 128,
        _ => 4096,
    };
}
