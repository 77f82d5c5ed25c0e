using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Unicode;
using Tuf.Internal;

namespace Tuf;

/// <summary>Low-level helpers for JSON text at the UTF-8 level: unescaping, canonical string output, integers.</summary>
internal static class JsonText
{
    private static readonly SearchValues<byte> QuoteOrBackslash = SearchValues.Create("\"\\"u8);

    /// <summary>
    /// Unescapes the inside of a JSON string (without quotes) into <paramref name="destination"/>, which must be at
    /// least as long as <paramref name="escaped"/> (unescaping never grows). Returns false on a lone surrogate
    /// or a malformed escape.
    /// </summary>
    public static bool TryUnescape(ReadOnlySpan<byte> escaped, Span<byte> destination, out int written)
    {
        written = 0;
        int i = 0;
        while (i < escaped.Length)
        {
            int next = escaped[i..].IndexOf((byte)'\\');
            if (next < 0)
            {
                escaped[i..].CopyTo(destination[written..]);
                written += escaped.Length - i;
                return true;
            }

            escaped.Slice(i, next).CopyTo(destination[written..]);
            written += next;
            i += next;
            if (i + 1 >= escaped.Length)
            {
                return false;
            }

            byte e = escaped[i + 1];
            i += 2;
            switch (e)
            {
                case (byte)'"': destination[written++] = (byte)'"'; break;
                case (byte)'\\': destination[written++] = (byte)'\\'; break;
                case (byte)'/': destination[written++] = (byte)'/'; break;
                case (byte)'b': destination[written++] = 0x08; break;
                case (byte)'f': destination[written++] = 0x0C; break;
                case (byte)'n': destination[written++] = 0x0A; break;
                case (byte)'r': destination[written++] = 0x0D; break;
                case (byte)'t': destination[written++] = 0x09; break;
                case (byte)'u':
                    if (!TryHex4(escaped, i, out int unit))
                    {
                        return false;
                    }

                    i += 4;
                    int scalar = unit;
                    if (unit is >= 0xD800 and <= 0xDBFF)
                    {
                        // A high surrogate must be followed by an escaped low surrogate.
                        if (i + 6 > escaped.Length || escaped[i] != (byte)'\\' || escaped[i + 1] != (byte)'u'
                            || !TryHex4(escaped, i + 2, out int low) || low is < 0xDC00 or > 0xDFFF)
                        {
                            return false;
                        }

                        i += 6;
                        scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                    }
                    else if (unit is >= 0xDC00 and <= 0xDFFF)
                    {
                        return false;
                    }

                    written += new Rune(scalar).EncodeToUtf8(destination[written..]);
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    private static bool TryHex4(ReadOnlySpan<byte> s, int at, out int value)
    {
        value = 0;
        if (at + 4 > s.Length)
        {
            return false;
        }

        for (int k = 0; k < 4; k++)
        {
            int d = HexValue(s[at + k]);
            if (d < 0)
            {
                return false;
            }

            value = (value << 4) | d;
        }

        return true;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    /// <summary>Writes <c>"content"</c> escaping only <c>"</c> and <c>\</c>; <paramref name="utf8"/> is unescaped UTF-8.</summary>
    public static void WriteCanonicalString(ReadOnlySpan<byte> utf8, PooledBufferWriter output)
    {
        output.Write((byte)'"');
        while (true)
        {
            int special = utf8.IndexOfAny(QuoteOrBackslash);
            if (special < 0)
            {
                output.Write(utf8);
                break;
            }

            output.Write(utf8[..special]);
            output.Write((byte)'\\');
            output.Write(utf8[special]);
            utf8 = utf8[(special + 1)..];
        }

        output.Write((byte)'"');
    }

    /// <summary>Writes a .NET string as a canonical JSON string.</summary>
    /// <exception cref="ArgumentException">The string holds a lone surrogate.</exception>
    public static void WriteCanonicalString(string value, PooledBufferWriter output)
    {
        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max <= 512)
        {
            Span<byte> tmp = stackalloc byte[max];
            WriteCanonicalString(ToUtf8(value, tmp), output);
            return;
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            WriteCanonicalString(ToUtf8(value, rented), output);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static ReadOnlySpan<byte> ToUtf8(string value, Span<byte> buffer)
    {
        var status = Utf8.FromUtf16(value, buffer, out _, out int written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            throw new ArgumentException("A string to be written holds a lone surrogate: " + ErrorText.Untrusted(value));
        }

        return buffer[..written];
    }

    /// <summary>
    /// Checks that a raw JSON number is an integer (no fraction, no exponent) and returns the bytes to write:
    /// the input itself, or <c>0</c> for <c>-0</c>.
    /// </summary>
    public static bool TryCanonicalInteger(ReadOnlySpan<byte> raw, out ReadOnlySpan<byte> canonical)
    {
        canonical = raw;
        if (raw.IndexOfAny((byte)'.', (byte)'e', (byte)'E') >= 0)
        {
            return false;
        }

        if (raw.Length == 2 && raw[0] == (byte)'-' && raw[1] == (byte)'0')
        {
            canonical = "0"u8;
        }

        return true;
    }

    /// <summary>Parses a raw JSON integer into a long; false for floats or values out of range.</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> raw, out long value)
    {
        value = 0;
        if (raw.IndexOfAny((byte)'.', (byte)'e', (byte)'E') >= 0)
        {
            return false;
        }

        return Utf8Parser.TryParse(raw, out value, out int consumed) && consumed == raw.Length;
    }

    /// <summary>
    /// Compares two strings by Unicode code point (the order of their UTF-8 bytes), which differs from
    /// <see cref="string.CompareOrdinal(string, string)"/> when surrogates meet characters U+E000..U+FFFF.
    /// </summary>
    public static int CompareCodePoints(string? a, string? b)
    {
        if (ReferenceEquals(a, b))
        {
            return 0;
        }

        if (a is null)
        {
            return -1;
        }

        if (b is null)
        {
            return 1;
        }

        int n = Math.Min(a.Length, b.Length);
        int i = a.AsSpan(0, n).CommonPrefixLength(b.AsSpan(0, n));
        if (i == n)
        {
            return a.Length.CompareTo(b.Length);
        }

        return Fixup(a[i]).CompareTo(Fixup(b[i]));

        // Surrogates (U+D800..U+DFFF) encode code points above U+FFFF, so move them after U+E000..U+FFFF.
        static int Fixup(char c) => c >= 0xD800 ? (c >= 0xE000 ? c - 0x800 : c + 0x2000) : c;
    }

    /// <summary>An <see cref="IComparer{T}"/> for <see cref="CompareCodePoints"/>.</summary>
    public static IComparer<string> CodePointComparer { get; } = Comparer<string>.Create(CompareCodePoints);
}
