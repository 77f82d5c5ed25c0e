using System.Globalization;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;

namespace Tuf.Core.Tests.Json;

/// <summary>A JSON value as the generators build it: objects keep a member order that the renderer may shuffle.</summary>
internal abstract record JNode;

internal sealed record JObject(IReadOnlyList<KeyValuePair<string, JNode>> Members) : JNode;

internal sealed record JArray(IReadOnlyList<JNode> Items) : JNode;

internal sealed record JString(string Value) : JNode;

internal sealed record JInteger(string Digits) : JNode;

internal sealed record JLiteral(string Text) : JNode;

/// <summary>FsCheck generators of JSON trees, a randomizing renderer and an independent reference canonicalizer.</summary>
internal static class JsonTrees
{
    // Pieces of strings: ASCII, the two escaped characters, control characters, DEL, non-ASCII BMP, the private-use
    // and U+FFFF area that UTF-16 ordering gets wrong, and an astral character (a surrogate pair, kept together).
    private static readonly string[] PrintablePieces = ["a", "b", "B", "_", "0", " ", "\"", "\\", "/", "é", "中", "\u2028", "\ue000", "\uffff", "\ud83d\ude00", "~", "\u007f"];
    private static readonly string[] ControlPieces = ["\n", "\t", "\u0000", "\u001f", "\b"];

    /// <summary>
    /// The gamma of the fixed random stream every JSON property starts from, so that every run generates the same cases
    /// and failures replay (FsCheck prints the shrunk case): <c>[Property(MaxTest = n, Replay = "seed," + Gamma)]</c>,
    /// FsCheck's <c>Rnd(seed, 0x9E3779B97F4A7C15)</c> (an odd gamma) written in decimal.
    /// </summary>
    public const string Gamma = "11400714819323198485";

    public static Gen<string> Strings(bool withControl)
    {
        var pieces = withControl ? PrintablePieces.Concat(ControlPieces).ToArray() : PrintablePieces;
        return Gen.Elements(pieces).ListOf().Select(list => string.Concat(list.Take(12)));
    }

    public static Gen<string> Integers() =>
        from negative in Gen.Elements(false, true)
        from first in Gen.Choose(0, 9)
        from rest in Gen.Choose(0, 9).ArrayOf()
        select (negative ? "-" : "") + (first == 0 ? "0" : first.ToString(CultureInfo.InvariantCulture) + string.Concat(rest.Take(30)));

    public static Gen<JNode> Nodes(bool withControl) => Gen.Sized(size => Node(Math.Min(size, 30), withControl));

    private static Gen<JNode> Node(int size, bool withControl)
    {
        var leaf = Gen.OneOf(
            Strings(withControl).Select(s => (JNode)new JString(s)),
            Integers().Select(s => (JNode)new JInteger(s)),
            Gen.Elements("true", "false", "null").Select(s => (JNode)new JLiteral(s)));
        if (size <= 1)
        {
            return leaf;
        }

        var child = Gen.Sized(_ => Node(size / 3, withControl));
        var array = child.ListOf().Select(items => (JNode)new JArray(items.Take(6).ToList()));
        var obj =
            from keys in Strings(withControl).ListOf()
            from values in child.ArrayOf(6)
            select (JNode)new JObject(keys.Distinct(StringComparer.Ordinal).Take(6)
                .Select((k, i) => new KeyValuePair<string, JNode>(k, values[i])).ToList());
        return Gen.Frequency((2, leaf), (1, array), (2, obj));
    }

    /// <summary>Renders valid JSON text with random whitespace, member order and string escapes chosen by <paramref name="seed"/>.</summary>
    public static string Render(JNode node, int seed)
    {
#pragma warning disable CA5394 // Test rendering choices, seeded from FsCheck: not security relevant.
        var random = new Random(seed);
        var sb = new StringBuilder();
        Write(node);
        return sb.ToString();

        void Space()
        {
            int n = random.Next(4) == 0 ? random.Next(3) : 0;
            for (int i = 0; i < n; i++)
            {
                sb.Append(" \n\t\r"[random.Next(4)]);
            }
        }

        void Str(string s)
        {
            sb.Append('"');
            bool escapeLowSurrogate = false;
            foreach (char c in s)
            {
                bool mustEscape = c < 0x20 || c == '"' || c == '\\' || (char.IsLowSurrogate(c) && escapeLowSurrogate);
                bool escape = mustEscape || (!char.IsLowSurrogate(c) && random.Next(5) == 0);
                escapeLowSurrogate = char.IsHighSurrogate(c) && escape; // a pair is escaped as a pair or not at all
                if (escape)
                {
                    sb.Append(c switch
                    {
                        '"' when random.Next(2) == 0 => "\\\"",
                        '\\' when random.Next(2) == 0 => "\\\\",
                        '\n' when random.Next(2) == 0 => "\\n",
                        '/' when random.Next(2) == 0 => "\\/",
                        _ => "\\u" + ((int)c).ToString(random.Next(2) == 0 ? "x4" : "X4", CultureInfo.InvariantCulture),
                    });
                }
                else
                {
                    sb.Append(c);
                }
            }

            sb.Append('"');
        }

        void Write(JNode n)
        {
            Space();
            switch (n)
            {
                case JObject o:
                    sb.Append('{');
                    var members = o.Members.OrderBy(_ => random.Next()).ToList();
                    for (int i = 0; i < members.Count; i++)
                    {
                        if (i > 0)
                        {
                            sb.Append(',');
                        }

                        Space();
                        Str(members[i].Key);
                        Space();
                        sb.Append(':');
                        Write(members[i].Value);
                    }

                    Space();
                    sb.Append('}');
                    break;
                case JArray a:
                    sb.Append('[');
                    for (int i = 0; i < a.Items.Count; i++)
                    {
                        if (i > 0)
                        {
                            sb.Append(',');
                        }

                        Write(a.Items[i]);
                    }

                    Space();
                    sb.Append(']');
                    break;
                case JString s:
                    Str(s.Value);
                    break;
                case JInteger i:
                    sb.Append(i.Digits);
                    break;
                case JLiteral l:
                    sb.Append(l.Text);
                    break;
            }

            Space();
        }
#pragma warning restore CA5394
    }

    /// <summary>Reference canonical form, written independently of the library: UTF-8 byte order, raw strings.</summary>
    public static byte[] ReferenceCanonical(JNode node)
    {
        var output = new List<byte>();
        Write(node);
        return output.ToArray();

        void Str(string s)
        {
            output.Add((byte)'"');
            foreach (byte b in Encoding.UTF8.GetBytes(s))
            {
                if (b is (byte)'"' or (byte)'\\')
                {
                    output.Add((byte)'\\');
                }

                output.Add(b);
            }

            output.Add((byte)'"');
        }

        void Write(JNode n)
        {
            switch (n)
            {
                case JObject o:
                    output.Add((byte)'{');
                    bool first = true;
                    foreach (var m in o.Members.OrderBy(m => Encoding.UTF8.GetBytes(m.Key), ByteOrder.Instance))
                    {
                        if (!first)
                        {
                            output.Add((byte)',');
                        }

                        first = false;
                        Str(m.Key);
                        output.Add((byte)':');
                        Write(m.Value);
                    }

                    output.Add((byte)'}');
                    break;
                case JArray a:
                    output.Add((byte)'[');
                    for (int i = 0; i < a.Items.Count; i++)
                    {
                        if (i > 0)
                        {
                            output.Add((byte)',');
                        }

                        Write(a.Items[i]);
                    }

                    output.Add((byte)']');
                    break;
                case JString s:
                    Str(s.Value);
                    break;
                case JInteger i:
                    output.AddRange(Encoding.ASCII.GetBytes(i.Digits == "-0" ? "0" : i.Digits));
                    break;
                case JLiteral l:
                    output.AddRange(Encoding.ASCII.GetBytes(l.Text));
                    break;
            }
        }
    }

    /// <summary>Converts a parsed element back to a tree (to re-render real documents).</summary>
    public static JNode FromElement(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => new JObject(e.EnumerateObject().Select(p => new KeyValuePair<string, JNode>(p.Name, FromElement(p.Value))).ToList()),
        JsonValueKind.Array => new JArray(e.EnumerateArray().Select(FromElement).ToList()),
        JsonValueKind.String => new JString(e.GetString()!),
        JsonValueKind.Number => new JInteger(e.GetRawText()),
        _ => new JLiteral(e.GetRawText()),
    };

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
