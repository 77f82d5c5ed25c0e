using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Tuf.Internal;

namespace Tuf;

/// <summary>
/// Strict parser of untrusted metadata bytes. Duplicate keys, floats, comments, trailing commas, excessive
/// depth, wrong types, missing fields, a wrong <c>_type</c> or a spec major version other than 1 are all
/// rejected with <see cref="DeserializationException"/>; no other exception type escapes.
/// </summary>
/// <remarks>
/// Key IDs are not compared with the hash of their key: real repositories (and Notary) use other key IDs, and a
/// signature only counts for the key ID a role lists. A key ID listed twice is a duplicate JSON property and is rejected.
/// </remarks>
public static class MetadataParser
{
    private const string DefaultSource = "metadata";

    /// <summary>Parses a metadata file whose <c>signed._type</c> must match <typeparamref name="T"/>
    /// (use <see cref="Signed"/> to accept any role type).</summary>
    /// <typeparam name="T"><see cref="Root"/>, <see cref="Timestamp"/>, <see cref="Snapshot"/>, <see cref="Targets"/> or <see cref="Signed"/>.</typeparam>
    /// <param name="data">The file's bytes.</param>
    /// <param name="source">A name for the input used in error messages (e.g. <c>"timestamp.json"</c>).</param>
    /// <returns>The envelope, with the canonical bytes of <c>signed</c> as received.</returns>
    /// <exception cref="DeserializationException">Anything is wrong with the bytes.</exception>
    public static SignedEnvelope<T> Parse<T>(ReadOnlySpan<byte> data, string? source = null)
        where T : Signed => ParseGuarded<T>(data, null, source);

    /// <summary>
    /// <see cref="Parse{T}(ReadOnlySpan{byte}, string?)"/> reading <paramref name="data"/> in place instead of a
    /// pooled copy (a 15 MB targets file is 15 MB less memory to touch). The caller must not change the bytes during
    /// the call; nothing returned refers to them.
    /// </summary>
    /// <typeparam name="T">The role type.</typeparam>
    /// <param name="data">The metadata file.</param>
    /// <param name="source">Name for error messages.</param>
    /// <returns>The envelope.</returns>
    /// <exception cref="DeserializationException">Not valid metadata of type <typeparamref name="T"/>.</exception>
    public static SignedEnvelope<T> ParseInPlace<T>(ReadOnlyMemory<byte> data, string? source = null)
        where T : Signed => ParseGuarded<T>(data.Span, data, source);

    private static SignedEnvelope<T> ParseGuarded<T>(ReadOnlySpan<byte> data, ReadOnlyMemory<byte>? inPlace, string? source)
        where T : Signed
    {
        source = string.IsNullOrEmpty(source) ? DefaultSource : ErrorText.Untrusted(source);
        try
        {
            return ParseCore<T>(data, inPlace, source);
        }
        catch (DeserializationException)
        {
            throw;
        }
        catch (JsonPathException ex)
        {
            throw ex.ToDeserializationException(source, "$");
        }
        catch (Exception ex)
        {
            // Totality: nothing but DeserializationException leaves the parser.
            throw new DeserializationException($"{source}: unreadable metadata ({ex.GetType().Name}: {ErrorText.Untrusted(ex.Message)})", ex);
        }
    }

    /// <summary>Like <see cref="Parse{T}"/> but reports failure as a value.</summary>
    /// <typeparam name="T">The expected role type.</typeparam>
    /// <param name="data">The file's bytes.</param>
    /// <param name="result">The envelope on success.</param>
    /// <param name="error">The error message on failure.</param>
    /// <returns><see langword="true"/> on success.</returns>
    public static bool TryParse<T>(ReadOnlySpan<byte> data, [NotNullWhen(true)] out SignedEnvelope<T>? result, [NotNullWhen(false)] out string? error)
        where T : Signed
    {
        try
        {
            result = Parse<T>(data);
            error = null;
            return true;
        }
        catch (DeserializationException ex)
        {
            result = null;
            error = ex.Message;
            return false;
        }
    }

    private static SignedEnvelope<T> ParseCore<T>(ReadOnlySpan<byte> data, ReadOnlyMemory<byte>? inPlace, string source)
        where T : Signed
    {
        using var parsed = inPlace is { } memory
            ? StrictJson.ParseInPlace(memory, StrictJson.MetadataMaxDepth, source)
            : StrictJson.Parse(data, StrictJson.MetadataMaxDepth, source);
        var root = parsed.Root;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new DeserializationException($"{source}: must be a JSON object, not {MetadataReader.Describe(root)}");
        }

        JsonElement signed = default, signatures = default;
        var unknown = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in root.EnumerateObject())
        {
            if (p.NameEquals("signed"u8))
            {
                signed = p.Value;
            }
            else if (p.NameEquals("signatures"u8))
            {
                signatures = p.Value;
            }
            else
            {
                // Not covered by signatures, but floats and lone surrogates are refused anywhere.
                using (var scratch = new PooledBufferWriter(256))
                {
                    CanonicalJson.WriteCore(p.Value, scratch, validateUtf8: false, source, ErrorText.Untrusted(MetadataReader.NameOf(p)));
                }

                MetadataReader.AddUnrecognized(unknown, p);
            }
        }

        if (signed.ValueKind == JsonValueKind.Undefined)
        {
            throw new DeserializationException($"{source}: signed: missing");
        }

        if (signed.ValueKind != JsonValueKind.Object)
        {
            throw new DeserializationException($"{source}: signed: must be an object, not {MetadataReader.Describe(signed)}");
        }

        string type = CheckType<T>(signed, source);

        // The signatures cover the canonical form of `signed` exactly as received, unknown fields included. For a big
        // object it is computed on another core while this one maps the model; both only read the document.
        Signed model;
        ReadOnlyMemory<byte> signedBytes;
        using (var canonicalizer = SignedCanonicalizer.Start(signed, source, allowParallel: true))
        {
            try
            {
                model = MetadataReader.ReadSigned(signed, type);
            }
            catch (JsonPathException ex)
            {
                throw ex.ToDeserializationException(source, "signed");
            }

            signedBytes = canonicalizer.GetResult();
        }

        var signatureList = ReadSignatures(signatures, source);
        return new SignedEnvelope<T>((T)model, signatureList, signedBytes) { UnrecognizedFields = unknown };
    }

    private static string CheckType<T>(JsonElement signed, string source)
        where T : Signed
    {
        if (!signed.TryGetProperty("_type"u8, out var typeElement))
        {
            throw new DeserializationException($"{source}: signed._type: missing");
        }

        if (typeElement.ValueKind != JsonValueKind.String)
        {
            throw new DeserializationException($"{source}: signed._type: must be a string, not {MetadataReader.Describe(typeElement)}");
        }

        string type = typeElement.ValueEquals(Root.TypeName) ? Root.TypeName
            : typeElement.ValueEquals(Timestamp.TypeName) ? Timestamp.TypeName
            : typeElement.ValueEquals(Snapshot.TypeName) ? Snapshot.TypeName
            : typeElement.ValueEquals(Targets.TypeName) ? Targets.TypeName
            : string.Empty;
        string? expected = ExpectedType<T>();
        if (type.Length == 0 || (expected is not null && type != expected))
        {
            string received;
            try
            {
                received = ErrorText.Untrusted(typeElement.GetString());
            }
            catch (InvalidOperationException)
            {
                received = "(invalid string)";
            }

            string wanted = expected is null ? "one of root, timestamp, snapshot, targets" : expected;
            throw new DeserializationException($"{source}: signed._type: expected {wanted}, got \"{received}\"");
        }

        return type;
    }

    private static string? ExpectedType<T>()
        where T : Signed
    {
        if (typeof(T) == typeof(Root))
        {
            return Root.TypeName;
        }

        if (typeof(T) == typeof(Timestamp))
        {
            return Timestamp.TypeName;
        }

        if (typeof(T) == typeof(Snapshot))
        {
            return Snapshot.TypeName;
        }

        return typeof(T) == typeof(Targets) ? Targets.TypeName : null;
    }

    private static List<Signature> ReadSignatures(JsonElement signatures, string source)
    {
        if (signatures.ValueKind == JsonValueKind.Undefined)
        {
            throw new DeserializationException($"{source}: signatures: missing");
        }

        if (signatures.ValueKind != JsonValueKind.Array)
        {
            throw new DeserializationException($"{source}: signatures: must be an array, not {MetadataReader.Describe(signatures)}");
        }

        var list = new List<Signature>(signatures.GetArrayLength());
        HashSet<string>? keyIds = list.Capacity > 1 ? new HashSet<string>(list.Capacity, StringComparer.Ordinal) : null;
        int index = 0;
        foreach (var item in signatures.EnumerateArray())
        {
            string where = $"{source}: signatures[{index}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new DeserializationException($"{where}: must be an object, not {MetadataReader.Describe(item)}");
            }

            JsonElement keyId = default, sig = default;
            foreach (var p in item.EnumerateObject())
            {
                // Other fields (e.g. Notary's "method") are not covered by anything and are ignored.
                if (p.NameEquals("keyid"u8))
                {
                    keyId = p.Value;
                }
                else if (p.NameEquals("sig"u8))
                {
                    sig = p.Value;
                }
            }

            Signature signature;
            try
            {
                signature = new Signature(MetadataReader.ReadString(keyId, "keyid"), MetadataReader.ReadString(sig, "sig"));
            }
            catch (JsonPathException ex)
            {
                throw ex.ToDeserializationException(source, $"signatures[{index}]");
            }

            // "The keyid MUST be unique in the signatures array" (specification, 4.2 "File formats: general principles").
            if (keyIds is not null && !keyIds.Add(signature.KeyId))
            {
                throw new DeserializationException($"{where}: keyid: {ErrorText.Untrusted(signature.KeyId)} is listed more than once; a key ID must be unique in the signatures array");
            }

            list.Add(signature);

            index++;
        }

        return list;
    }
}
