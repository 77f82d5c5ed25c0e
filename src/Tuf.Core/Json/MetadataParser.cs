namespace Tuf;

/// <summary>
/// Strict parser of untrusted metadata bytes. Duplicate keys, floats, comments, trailing commas, excessive
/// depth, wrong types, missing fields, a wrong <c>_type</c> or a spec major version other than 1 are all
/// rejected with <see cref="DeserializationException"/>; no other exception type escapes.
/// </summary>
public static class MetadataParser
{
    /// <summary>Parses a metadata file whose <c>signed._type</c> must match <typeparamref name="T"/>
    /// (use <see cref="Signed"/> to accept any role type).</summary>
    /// <typeparam name="T"><see cref="Root"/>, <see cref="Timestamp"/>, <see cref="Snapshot"/>, <see cref="Targets"/> or <see cref="Signed"/>.</typeparam>
    /// <param name="data">The file's bytes.</param>
    /// <param name="source">A name for the input used in error messages (e.g. <c>"timestamp.json"</c>).</param>
    /// <returns>The envelope, with the canonical bytes of <c>signed</c> as received.</returns>
    /// <exception cref="DeserializationException">Anything is wrong with the bytes.</exception>
    public static SignedEnvelope<T> Parse<T>(ReadOnlySpan<byte> data, string? source = null)
        where T : Signed => throw new NotImplementedException();

    /// <summary>Like <see cref="Parse{T}"/> but reports failure as a value.</summary>
    /// <typeparam name="T">The expected role type.</typeparam>
    /// <param name="data">The file's bytes.</param>
    /// <param name="result">The envelope on success.</param>
    /// <param name="error">The error message on failure.</param>
    /// <returns><see langword="true"/> on success.</returns>
    public static bool TryParse<T>(ReadOnlySpan<byte> data, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SignedEnvelope<T>? result, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
        where T : Signed => throw new NotImplementedException();
}
