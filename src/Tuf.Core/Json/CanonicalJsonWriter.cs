using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Tuf.Internal;

namespace Tuf;

/// <summary>
/// Walks a parsed <see cref="JsonElement"/> and writes its canonical form at the UTF-8 level: raw string bytes are
/// copied through when they hold no escape, property names are sorted as UTF-8 byte spans, numbers are checked to
/// be integers and copied as digits.
/// </summary>
internal sealed class CanonicalJsonWriter
{
    /// <summary>Deeper than any metadata needs; the parsers' MaxDepth is lower.</summary>
    internal const int MaxDepth = 256;

    private readonly PooledBufferWriter _output;
    private readonly bool _validateUtf8;
    private Member[] _members = new Member[64];
    private int _top;

    private CanonicalJsonWriter(PooledBufferWriter output, bool validateUtf8)
    {
        _output = output;
        _validateUtf8 = validateUtf8;
    }

    /// <summary>Writes <paramref name="element"/> canonically.</summary>
    /// <param name="element">The value.</param>
    /// <param name="output">Where to write.</param>
    /// <param name="validateUtf8">Check that raw strings are valid UTF-8 (skip when the whole input was checked already).</param>
    /// <exception cref="JsonPathException">A float, a lone surrogate, invalid UTF-8, a duplicate name or excessive depth.</exception>
    public static void Write(JsonElement element, PooledBufferWriter output, bool validateUtf8)
    {
        new CanonicalJsonWriter(output, validateUtf8).WriteValue(element, 0);
    }

    private void WriteValue(JsonElement element, int depth)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(element, depth);
                break;
            case JsonValueKind.Array:
                WriteArray(element, depth);
                break;
            case JsonValueKind.String:
                WriteString(JsonMarshal.GetRawUtf8Value(element));
                break;
            case JsonValueKind.Number:
                if (!JsonText.TryCanonicalInteger(JsonMarshal.GetRawUtf8Value(element), out var digits))
                {
                    throw new JsonPathException("floats are not allowed in canonical JSON");
                }

                _output.Write(digits);
                break;
            case JsonValueKind.True:
                _output.Write("true"u8);
                break;
            case JsonValueKind.False:
                _output.Write("false"u8);
                break;
            case JsonValueKind.Null:
                _output.Write("null"u8);
                break;
            default:
                throw new JsonPathException("unexpected JSON value");
        }
    }

    private void WriteArray(JsonElement element, int depth)
    {
        if (depth >= MaxDepth)
        {
            throw new JsonPathException("nested too deeply");
        }

        _output.Write((byte)'[');
        int index = 0;
        try
        {
            foreach (var item in element.EnumerateArray())
            {
                if (index > 0)
                {
                    _output.Write((byte)',');
                }

                WriteValue(item, depth + 1);
                index++;
            }
        }
        catch (JsonPathException ex) when (ex.AddSegment("[" + index.ToString(CultureInfo.InvariantCulture) + "]"))
        {
            throw; // unreachable: the filter only records the path
        }

        _output.Write((byte)']');
    }

    private void WriteObject(JsonElement element, int depth)
    {
        if (depth >= MaxDepth)
        {
            throw new JsonPathException("nested too deeply");
        }

        int start = _top;
        int count = 0;
        foreach (var property in element.EnumerateObject())
        {
            if (_top == _members.Length)
            {
                Array.Resize(ref _members, _members.Length * 2);
            }

            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            byte[]? unescaped = null;
            if (raw.IndexOf((byte)'\\') >= 0)
            {
                unescaped = new byte[raw.Length];
                if (!JsonText.TryUnescape(raw, unescaped, out int written))
                {
                    _top = start;
                    throw new JsonPathException("a property name holds a lone surrogate or a bad escape");
                }

                Array.Resize(ref unescaped, written);
            }
            else if (_validateUtf8 && !Utf8.IsValid(raw))
            {
                _top = start;
                throw new JsonPathException("a property name is not valid UTF-8");
            }

            _members[_top++] = new Member(property, unescaped);
            count++;
        }

        var members = _members.AsSpan(start, count);
        bool sorted = true;
        for (int i = 1; i < members.Length; i++)
        {
            if (members[i - 1].Name.SequenceCompareTo(members[i].Name) >= 0)
            {
                sorted = false;
                break;
            }
        }

        if (!sorted)
        {
            members.Sort(static (a, b) => a.Name.SequenceCompareTo(b.Name));
            for (int i = 1; i < members.Length; i++)
            {
                if (members[i - 1].Name.SequenceEqual(members[i].Name))
                {
                    string name = DisplayName(members[i].Name);
                    _top = start;
                    throw new JsonPathException("duplicate property " + name);
                }
            }
        }

        _output.Write((byte)'{');
        int current = 0;
        try
        {
            for (current = 0; current < count; current++)
            {
                if (current > 0)
                {
                    _output.Write((byte)',');
                }

                // Re-read from the field: recursion may have resized the array.
                var member = _members[start + current];
                if (member.Unescaped is null)
                {
                    _output.Write((byte)'"');
                    _output.Write(member.Name);
                    _output.Write((byte)'"');
                }
                else
                {
                    JsonText.WriteCanonicalString(member.Unescaped, _output);
                }

                _output.Write((byte)':');
                WriteValue(member.Property.Value, depth + 1);
            }
        }
        catch (JsonPathException ex) when (ex.AddSegment(Segment(start + current)))
        {
            throw; // unreachable: the filter only records the path
        }
        finally
        {
            _members.AsSpan(start, count).Clear();
            _top = start;
        }

        _output.Write((byte)'}');
    }

    private string Segment(int index)
    {
        var name = _members[index].Name;
        bool simple = name.Length > 0 && !char.IsAsciiDigit((char)name[0]);
        foreach (byte b in name)
        {
            simple &= char.IsAsciiLetterOrDigit((char)b) || b == (byte)'_' || b == (byte)'-';
        }

        return simple ? "." + Encoding.ASCII.GetString(name) : "[\"" + DisplayName(name) + "\"]";
    }

    private static string DisplayName(ReadOnlySpan<byte> utf8) => ErrorText.Untrusted(Encoding.UTF8.GetString(utf8));

    private void WriteString(ReadOnlySpan<byte> rawWithQuotes)
    {
        var inner = rawWithQuotes[1..^1];
        if (inner.IndexOf((byte)'\\') < 0)
        {
            if (_validateUtf8 && !Utf8.IsValid(inner))
            {
                throw new JsonPathException("a string is not valid UTF-8");
            }

            // No escapes: the raw bytes already are the canonical form (JSON forbids raw quotes and control characters).
            _output.Write(rawWithQuotes);
            return;
        }

        byte[] scratch = System.Buffers.ArrayPool<byte>.Shared.Rent(inner.Length);
        try
        {
            if (!JsonText.TryUnescape(inner, scratch, out int written))
            {
                throw new JsonPathException("a string holds a lone surrogate or a bad escape");
            }

            if (_validateUtf8 && !Utf8.IsValid(scratch.AsSpan(0, written)))
            {
                throw new JsonPathException("a string is not valid UTF-8");
            }

            JsonText.WriteCanonicalString(scratch.AsSpan(0, written), _output);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private readonly struct Member(JsonProperty property, byte[]? unescaped)
    {
        public JsonProperty Property { get; } = property;

        public byte[]? Unescaped { get; } = unescaped;

        public ReadOnlySpan<byte> Name => Unescaped ?? JsonMarshal.GetRawUtf8PropertyName(Property);
    }
}
