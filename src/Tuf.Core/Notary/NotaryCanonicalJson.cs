using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Tuf.Notary;

/// <summary>
/// The canonical JSON Notary signs and verifies (Go's <c>github.com/docker/go/canonical/json</c>): object members
/// sorted by key (byte order of their UTF-8), no insignificant whitespace, integers only, and strings with only
/// <c>"</c> and <c>\</c> escaped, everything else as raw UTF-8. The files Notary serves are written with Go's ordinary
/// encoder, which escapes <c>&lt;</c>, <c>&gt;</c> and <c>&amp;</c> as <c>\u003c</c>...: a verifier re-encodes the
/// parsed <c>signed</c> object canonically, as Notary does, instead of using the bytes as received.
/// </summary>
internal static class NotaryCanonicalJson
{
    /// <summary>The canonical bytes of <paramref name="element"/>.</summary>
    /// <exception cref="FormatException">A number that is not an integer (Notary metadata holds none).</exception>
    public static byte[] Encode(JsonElement element)
    {
        var output = new ArrayBufferWriter<byte>(1024);
        Write(element, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The canonical JSON of a public key, <c>{"keytype":T,"keyval":{"private":null,"public":B64}}</c> (what its ID hashes).</summary>
    public static byte[] Key(string keyType, byte[] publicValue)
    {
        var output = new ArrayBufferWriter<byte>(128 + (publicValue.Length * 4 / 3));
        output.Write("{\"keytype\":"u8);
        WriteString(Encoding.UTF8.GetBytes(keyType), output);
        output.Write(",\"keyval\":{\"private\":null,\"public\":\""u8);
        output.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(publicValue)));
        output.Write("\"}}"u8);
        return output.WrittenSpan.ToArray();
    }

    private static void Write(JsonElement element, ArrayBufferWriter<byte> output)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new List<(byte[] Key, JsonElement Value)>();
                foreach (var property in element.EnumerateObject())
                {
                    members.Add((Encoding.UTF8.GetBytes(property.Name), property.Value));
                }

                members.Sort((a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
                output.Write("{"u8);
                for (int i = 0; i < members.Count; i++)
                {
                    if (i > 0)
                    {
                        output.Write(","u8);
                    }

                    WriteString(members[i].Key, output);
                    output.Write(":"u8);
                    Write(members[i].Value, output);
                }

                output.Write("}"u8);
                break;
            case JsonValueKind.Array:
                output.Write("["u8);
                bool first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        output.Write(","u8);
                    }

                    first = false;
                    Write(item, output);
                }

                output.Write("]"u8);
                break;
            case JsonValueKind.String:
                WriteString(Encoding.UTF8.GetBytes(element.GetString()!), output);
                break;
            case JsonValueKind.Number:
                if (!element.TryGetInt64(out long number))
                {
                    throw new FormatException($"number {element.GetRawText()} is not an integer");
                }

                output.Write(Encoding.ASCII.GetBytes(number.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                break;
            case JsonValueKind.True:
                output.Write("true"u8);
                break;
            case JsonValueKind.False:
                output.Write("false"u8);
                break;
            default:
                output.Write("null"u8);
                break;
        }
    }

    private static void WriteString(ReadOnlySpan<byte> utf8, ArrayBufferWriter<byte> output)
    {
        output.Write("\""u8);
        int run = 0;
        for (int i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] is (byte)'"' or (byte)'\\')
            {
                output.Write(utf8[run..i]);
                output.Write([(byte)'\\', utf8[i]]);
                run = i + 1;
            }
        }

        output.Write(utf8[run..]);
        output.Write("\""u8);
    }
}
