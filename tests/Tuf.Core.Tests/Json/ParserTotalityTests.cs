using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tuf.Core.Tests.RealWorld;

namespace Tuf.Core.Tests.Json;

/// <summary>
/// Parser totality: whatever the bytes, <see cref="MetadataParser"/> returns an envelope or throws
/// <see cref="DeserializationException"/>; any other exception fails the property (it propagates out of the lambda).
/// </summary>
public class ParserTotalityTests
{
    private static readonly string[] Tokens =
    [
        "{", "}", "[", "]", ":", ",", " ", "\"signed\"", "\"signatures\"", "\"_type\"", "\"root\"", "\"targets\"", "\"timestamp\"",
        "\"snapshot\"", "\"version\"", "\"spec_version\"", "\"1.0.31\"", "\"expires\"", "\"2030-01-01T00:00:00Z\"", "\"meta\"",
        "\"snapshot.json\"", "\"keys\"", "\"roles\"", "\"keyids\"", "\"threshold\"", "\"delegations\"", "\"succinct_roles\"",
        "\"paths\"", "\"keyid\"", "\"sig\"", "1", "0", "-0", "1.5", "1e3", "99999999999999999999", "true", "false", "null",
        "\"\\ud800\"", "\"\\u0000\"", "\"é\"", "\"", "\\",
    ];

    private static readonly JsonNode?[] Replacements =
    [
        null, 0, -1, 1, long.MaxValue, 1.5, "", "x", "\ud800", true, new JsonArray(), new JsonObject(),
        new JsonArray(1, "a"), new JsonObject { ["a"] = 1 }, "2030-01-01", "1.0.31",
    ];

    /// <summary>Valid documents to mutate: the samples, generated metadata and (when present) small real files.</summary>
    private static readonly byte[][] Corpus = BuildCorpus();

    private static byte[][] BuildCorpus()
    {
        var corpus = new List<byte[]>
        {
            MetadataSamples.Bytes(MetadataSamples.Root),
            MetadataSamples.Bytes(MetadataSamples.Timestamp),
            MetadataSamples.Bytes(MetadataSamples.Snapshot),
            MetadataSamples.Bytes(MetadataSamples.Targets),
            MetadataSamples.Bytes(MetadataSamples.SuccinctTargets),
        };
        corpus.AddRange(RealWorldVectors.MetadataFiles().Select(RealWorldVectors.Read).Where(b => b.Length < 20_000).Take(60));
        return corpus.ToArray();
    }

    private static bool ParsesOrRejects(byte[] data)
    {
        try
        {
            MetadataParser.Parse<Signed>(data, "fuzz.json");
            MetadataParser.Parse<Targets>(data, "fuzz.json");
        }
        catch (DeserializationException ex)
        {
            Assert.StartsWith("fuzz.json: ", ex.Message, StringComparison.Ordinal);
        }

        _ = MetadataParser.TryParse<Root>(data, out _, out _);
        return true;
    }

    [Property(MaxTest = 500, Replay = "21," + JsonTrees.Gamma)]
    public Property Parse_RandomBytes_ParsesOrThrowsDeserializationException() =>
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), ParsesOrRejects);

    [Property(MaxTest = 500, Replay = "22," + JsonTrees.Gamma)]
    public Property Parse_RandomJsonTokenSoup_ParsesOrThrowsDeserializationException()
    {
        var gen = Gen.Elements(Tokens).ListOf().Select(t => Encoding.UTF8.GetBytes(string.Concat(t)));
        return Prop.ForAll(gen.ToArbitrary(), ParsesOrRejects);
    }

    [Property(MaxTest = 2000, Replay = "23," + JsonTrees.Gamma)]
    public Property Parse_SingleByteMutationOrTruncationOfValidFile_ParsesOrThrowsDeserializationException()
    {
        var gen = from doc in Gen.Elements(Corpus)
                  from kind in Gen.Choose(0, 3)
                  from position in Gen.Choose(0, int.MaxValue)
                  from value in Gen.Choose(0, 255)
                  select Mutate(doc, kind, position % Math.Max(doc.Length, 1), (byte)value);
        return Prop.ForAll(gen.ToArbitrary(), ParsesOrRejects);
    }

    [Property(MaxTest = 1000, Replay = "24," + JsonTrees.Gamma)]
    public Property Parse_ValueReplacedAnywhereInValidFile_ParsesOrThrowsDeserializationException()
    {
        // Structural mutation: reach the mapper with every JSON type at every position.
        var gen = from doc in Gen.Elements(Corpus.Take(5).Concat(Corpus.Skip(5).Take(10)).ToArray())
                  from position in Gen.Choose(0, int.MaxValue)
                  from replacement in Gen.Choose(0, Replacements.Length - 1)
                  select ReplaceNode(doc, position, replacement);
        return Prop.ForAll(gen.ToArbitrary(), ParsesOrRejects);
    }

    [Property(MaxTest = 1000, Replay = "25," + JsonTrees.Gamma)]
    public Property Parse_MutationInsideSignedOfValidFile_ChangesSignedBytesOrIsRejected()
    {
        // A parsed mutation that touches the `signed` bytes must show up in SignedBytes (so a signature check fails),
        // unless it only changed insignificant whitespace.
        var original = MetadataSamples.Bytes(MetadataSamples.Targets);
        var originalSigned = MetadataParser.Parse<Targets>(original).SignedBytes.ToArray();
        int signedStart = Encoding.UTF8.GetString(original).IndexOf("\"signed\"", StringComparison.Ordinal) + 9;
        var gen = from position in Gen.Choose(signedStart, original.Length - 2)
                  from value in Gen.Choose(0x21, 0x7E)
                  select (position, value: (byte)value);
        return Prop.ForAll(gen.ToArbitrary(), t =>
        {
            if (original[t.position] == t.value || original[t.position] is (byte)' ' or (byte)'\n')
            {
                return true;
            }

            var mutated = (byte[])original.Clone();
            mutated[t.position] = t.value;
            if (!MetadataParser.TryParse<Signed>(mutated, out var env, out _))
            {
                return true;
            }

            return !env.SignedBytes.Span.SequenceEqual(originalSigned);
        });
    }

    private static byte[] Mutate(byte[] doc, int kind, int position, byte value)
    {
        switch (kind)
        {
            case 0:
                var flipped = (byte[])doc.Clone();
                if (flipped.Length > 0)
                {
                    flipped[position] = value;
                }

                return flipped;
            case 1:
                return doc[..position];
            case 2:
                return [.. doc[..position], value, .. doc[position..]];
            default:
                return doc.Length == 0 ? doc : [.. doc[..position], .. doc[(position + 1)..]];
        }
    }

    private static byte[] ReplaceNode(byte[] doc, int position, int replacement)
    {
        var root = JsonNode.Parse(doc)!;
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var target = nodes[position % nodes.Count];
        var value = Replacements[replacement]?.DeepClone();
        if (target.Parent is JsonObject parent)
        {
            parent[target.GetPropertyName()] = value;
        }
        else if (target.Parent is JsonArray array)
        {
            array[target.GetElementIndex()] = value;
        }
        else
        {
            return Encoding.UTF8.GetBytes(value?.ToJsonString() ?? "null");
        }

        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        nodes.Add(node);
        switch (node)
        {
            case JsonObject o:
                foreach (var kv in o)
                {
                    if (kv.Value is not null)
                    {
                        Collect(kv.Value, nodes);
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    if (item is not null)
                    {
                        Collect(item, nodes);
                    }
                }

                break;
        }
    }
}
