using System.Runtime.InteropServices;
using System.Text.Json;
using Tuf.Internal;

namespace Tuf;

/// <summary>
/// Maps a strictly parsed <c>signed</c> object onto the metadata model, checking every field's type and range.
/// Failures are <see cref="JsonPathException"/>s carrying the path of the offending field.
/// </summary>
/// <remarks>The value helpers take the field name only for the error path; nothing is allocated on success.</remarks>
internal static partial class MetadataReader
{
    public static JsonElement RequireObject(JsonElement value, string field)
    {
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            throw JsonPathException.Field(field, "missing");
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw JsonPathException.Field(field, "must be an object, not " + Describe(value));
        }

        return value;
    }

    public static string ReadString(JsonElement value, string field)
    {
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            throw JsonPathException.Field(field, "missing");
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw JsonPathException.Field(field, "must be a string, not " + Describe(value));
        }

        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw JsonPathException.Field(field, "is not a valid Unicode string");
        }
    }

    public static long ReadInt64(JsonElement value, string field, long min)
    {
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            throw JsonPathException.Field(field, "missing");
        }

        if (value.ValueKind != JsonValueKind.Number || !JsonText.TryParseInt64(JsonMarshal.GetRawUtf8Value(value), out long result) || result < min)
        {
            throw JsonPathException.Field(field, $"must be an integer >= {min} (at most {long.MaxValue})");
        }

        return result;
    }

    public static int ReadInt32(JsonElement value, string field, int min, int max)
    {
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            throw JsonPathException.Field(field, "missing");
        }

        if (value.ValueKind != JsonValueKind.Number || !JsonText.TryParseInt64(JsonMarshal.GetRawUtf8Value(value), out long result)
            || result < min || result > max)
        {
            throw JsonPathException.Field(field, $"must be an integer from {min} to {max}");
        }

        return (int)result;
    }

    public static bool ReadBool(JsonElement value, string field)
    {
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Undefined => throw JsonPathException.Field(field, "missing"),
            _ => throw JsonPathException.Field(field, "must be true or false, not " + Describe(value)),
        };
    }

    /// <summary>An array of strings; with <paramref name="unique"/>, a repeated entry is an error.</summary>
    public static List<string> ReadStringArray(JsonElement value, string field, bool unique)
    {
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            throw JsonPathException.Field(field, "missing");
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw JsonPathException.Field(field, "must be an array of strings, not " + Describe(value));
        }

        var list = new List<string>(value.GetArrayLength());
        HashSet<string>? seen = unique && list.Capacity > 8 ? new HashSet<string>(StringComparer.Ordinal) : null;
        int index = 0;
        foreach (var item in value.EnumerateArray())
        {
            string s;
            try
            {
                s = ReadString(item, field);
            }
            catch (JsonPathException)
            {
                var ex = new JsonPathException("must be a string, not " + Describe(item));
                ex.AddSegment(JsonPathException.IndexSegment(index));
                ex.AddSegment("." + field);
                throw ex;
            }

            if (unique && (seen is not null ? !seen.Add(s) : list.Contains(s, StringComparer.Ordinal)))
            {
                throw JsonPathException.Field(field, "lists " + ErrorText.Untrusted(s) + " more than once");
            }

            list.Add(s);
            index++;
        }

        return list;
    }

    /// <summary>A <c>hashes</c> object: algorithm name to hex digest, both strings.</summary>
    public static IDictionary<string, string> ReadHashes(JsonElement value, string field, bool allowEmpty)
    {
        RequireObject(value, field);
        var hashes = new CompactDictionary<string>(2);
        foreach (var p in value.EnumerateObject())
        {
            // The common names are interned: a big targets file lists them 100,000s of times.
            string name = p.NameEquals("sha256"u8) ? "sha256" : p.NameEquals("sha512"u8) ? "sha512" : NameOf(p);
            if (p.Value.ValueKind != JsonValueKind.String)
            {
                var ex = new JsonPathException("must be a string, not " + Describe(p.Value));
                ex.AddSegment(JsonPathException.KeySegment(name));
                ex.AddSegment("." + field);
                throw ex;
            }

            hashes[name] = p.Value.GetString()!;
        }

        if (hashes.Count == 0 && !allowEmpty)
        {
            throw JsonPathException.Field(field, "must list at least one hash");
        }

        return hashes;
    }

    /// <summary>
    /// A target file's <c>hashes</c>: one or two digests without escapes are kept as UTF-8 in <paramref name="slab"/>
    /// (see <see cref="SlabHashes"/>); anything else is read as an ordinary map.
    /// </summary>
    public static IDictionary<string, string> ReadTargetHashes(JsonElement value, Utf8Slab slab)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            string? name0 = null, name1 = null;
            (byte[] Chunk, int Offset) at0 = default, at1 = default;
            int length0 = 0, length1 = 0, count = 0;
            foreach (var p in value.EnumerateObject())
            {
                if (++count > 2 || p.Value.ValueKind != JsonValueKind.String)
                {
                    count = -1;
                    break;
                }

                var raw = JsonMarshal.GetRawUtf8Value(p.Value)[1..^1];
                if (raw.IndexOf((byte)'\\') >= 0)
                {
                    count = -1;
                    break;
                }

                string name = p.NameEquals("sha256"u8) ? "sha256" : p.NameEquals("sha512"u8) ? "sha512" : NameOf(p);
                if (count == 1)
                {
                    (name0, at0, length0) = (name, slab.Add(raw), raw.Length);
                }
                else
                {
                    (name1, at1, length1) = (name, slab.Add(raw), raw.Length);
                }
            }

            if (count > 0)
            {
                return new SlabHashes(name0!, at0, length0, name1, at1, length1);
            }
        }

        return ReadHashes(value, "hashes", allowEmpty: false);
    }

    /// <summary>Keeps an unknown field: the clone outlives the parsed document.</summary>
    public static void AddUnrecognized(IDictionary<string, JsonElement> bag, JsonProperty property) =>
        bag[NameOf(property)] = property.Value.Clone();

    /// <summary>The property name; a name holding a lone surrogate escape is an error, not an exception of another type.</summary>
    public static string NameOf(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            throw new JsonPathException("a property name is not valid Unicode (lone surrogate)");
        }
    }

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => JsonText.TryCanonicalInteger(JsonMarshal.GetRawUtf8Value(value), out _) ? "an integer" : "a float",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>Reads a map (JSON object) whose values are read by <paramref name="read"/>; errors carry the key.</summary>
    public static Dictionary<string, TValue> ReadMap<TValue>(JsonElement value, string field, Func<string, JsonElement, TValue> read)
    {
        RequireObject(value, field);
        var map = new Dictionary<string, TValue>(value.GetPropertyCount(), StringComparer.Ordinal);
        string key = string.Empty;
        try
        {
            foreach (var p in value.EnumerateObject())
            {
                key = NameOf(p);
                if (!map.TryAdd(key, read(key, p.Value)))
                {
                    throw new JsonPathException("listed more than once");
                }
            }
        }
        catch (JsonPathException ex) when (ex.AddSegment(JsonPathException.KeySegment(key)) || ex.AddSegment("." + field))
        {
            throw; // unreachable: the filter only records the path
        }

        return map;
    }
}
