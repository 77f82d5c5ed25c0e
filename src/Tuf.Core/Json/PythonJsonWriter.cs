using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Tuf;

/// <summary>
/// Writes JSON the way python-tuf's <c>JSONSerializer(compact=False)</c> does:
/// <c>json.dumps(d, indent=1, separators=(",", ": "), sort_keys=True)</c> with <c>ensure_ascii</c>, no trailing newline.
/// Object members are written in code-point order (Python's string order).
/// </summary>
internal static class PythonJsonWriter
{
    public static void WriteValue(JsonElement element, PooledBufferWriter output, int level, bool indent = true)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (element.GetPropertyCount() == 0)
                {
                    output.Write("{}"u8);
                    return;
                }

                output.Write((byte)'{');
                bool first = true;
                var members = element.EnumerateObject().ToArray();
                Array.Sort(members, static (a, b) => JsonText.CompareCodePoints(a.Name, b.Name));
                foreach (var p in members)
                {
                    if (!first)
                    {
                        output.Write((byte)',');
                    }

                    first = false;
                    if (indent)
                    {
                        NewLine(output, level + 1);
                    }

                    WriteString(p.Name, output);
                    output.Write(indent ? ": "u8 : ":"u8);
                    WriteValue(p.Value, output, level + 1, indent);
                }

                if (indent)
                {
                    NewLine(output, level);
                }

                output.Write((byte)'}');
                return;
            case JsonValueKind.Array:
                if (element.GetArrayLength() == 0)
                {
                    output.Write("[]"u8);
                    return;
                }

                output.Write((byte)'[');
                bool firstItem = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!firstItem)
                    {
                        output.Write((byte)',');
                    }

                    firstItem = false;
                    if (indent)
                    {
                        NewLine(output, level + 1);
                    }

                    WriteValue(item, output, level + 1, indent);
                }

                if (indent)
                {
                    NewLine(output, level);
                }

                output.Write((byte)']');
                return;
            case JsonValueKind.String:
                WriteString(element.GetString()!, output);
                return;
            default:
                // Integers, true, false, null: canonical JSON already wrote them the way Python does.
                output.Write(JsonMarshal.GetRawUtf8Value(element));
                return;
        }
    }

    /// <summary>
    /// Lays out canonical JSON that is printable ASCII (so nothing in it is escaped differently) as python-tuf's
    /// indented files are, starting at nesting <paramref name="level"/>: the bytes the model writer produces in its
    /// pretty layout, without going through the model. Canonical JSON has no whitespace outside strings.
    /// </summary>
    public static void WriteIndentedCanonical(ReadOnlySpan<byte> canonical, PooledBufferWriter output, int level)
    {
        int start = 0;
        bool inString = false;
        for (int i = 0; i < canonical.Length; i++)
        {
            byte b = canonical[i];
            if (inString)
            {
                if (b == (byte)'\\')
                {
                    i++;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }

                continue;
            }

            switch (b)
            {
                case (byte)'"':
                    inString = true;
                    break;
                case (byte)'{' or (byte)'[':
                    byte close = b == (byte)'{' ? (byte)'}' : (byte)']';
                    if (i + 1 < canonical.Length && canonical[i + 1] == close)
                    {
                        i++; // an empty object or array stays on its line
                        break;
                    }

                    output.Write(canonical[start..(i + 1)]);
                    start = i + 1;
                    NewLine(output, ++level);
                    break;
                case (byte)'}' or (byte)']':
                    output.Write(canonical[start..i]);
                    start = i;
                    NewLine(output, --level);
                    break;
                case (byte)',':
                    output.Write(canonical[start..(i + 1)]);
                    start = i + 1;
                    NewLine(output, level);
                    break;
                case (byte)':':
                    output.Write(canonical[start..(i + 1)]);
                    start = i + 1;
                    output.Write((byte)' ');
                    break;
            }
        }

        output.Write(canonical[start..]);
    }

    public static void NewLine(PooledBufferWriter output, int level)
    {
        output.Write((byte)'\n');
        output.GetSpan(level)[..level].Fill((byte)' ');
        output.Advance(level);
    }

    /// <summary>Printable ASCII other than <c>"</c> and <c>\\</c>: written unescaped.</summary>
    private static readonly System.Buffers.SearchValues<char> PlainCharacters =
        System.Buffers.SearchValues.Create(" !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>Python's <c>encode_basestring_ascii</c>: printable ASCII raw, the short escapes, everything else <c>\uXXXX</c>.</summary>
    public static void WriteString(string value, PooledBufferWriter output)
    {
        output.Write((byte)'"');

        // The common case (hashes, key IDs, most paths): a run of characters written as they are, in one copy.
        var chars = value.AsSpan();
        int plain = chars.IndexOfAnyExcept(PlainCharacters);
        if (plain < 0)
        {
            plain = chars.Length;
        }

        var span = output.GetSpan(plain);
        System.Text.Ascii.FromUtf16(chars[..plain], span, out _);
        output.Advance(plain);

        Span<byte> escape = stackalloc byte[6];
        foreach (char c in chars[plain..])
        {
            switch (c)
            {
                case '"': output.Write("\\\""u8); break;
                case '\\': output.Write("\\\\"u8); break;
                case '\n': output.Write("\\n"u8); break;
                case '\r': output.Write("\\r"u8); break;
                case '\t': output.Write("\\t"u8); break;
                case '\b': output.Write("\\b"u8); break;
                case '\f': output.Write("\\f"u8); break;
                default:
                    if (c >= ' ' && c <= '~')
                    {
                        output.Write((byte)c);
                    }
                    else
                    {
                        // UTF-16 code units are exactly what Python writes for astral characters (a surrogate pair).
                        Encoding.ASCII.GetBytes("\\u" + ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture), escape);
                        output.Write(escape);
                    }

                    break;
            }
        }

        output.Write((byte)'"');
    }
}
