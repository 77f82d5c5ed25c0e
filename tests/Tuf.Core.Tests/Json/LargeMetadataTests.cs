using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tuf.Core.Tests.Json;

/// <summary>Inputs above <see cref="SignedCanonicalizer.ParallelThreshold"/>: canonical bytes computed on another thread.</summary>
public class LargeMetadataTests
{
    private static Targets BigTargets(int count)
    {
        var targets = new Targets { Version = 3, Expires = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) };
        for (int i = 0; i < count; i++)
        {
            // Unsorted insertion order and a custom field on some entries.
            string path = $"pkg/{(i * 7919) % count:D6}/file-{i}.tgz";
            var file = new TargetFile { Path = path, Length = i, Hashes = { ["sha512"] = new string('b', 128), ["sha256"] = new string('a', 64) } };
            if (i % 100 == 0)
            {
                file.UnrecognizedFields["custom"] = JsonDocument.Parse("{\"n\":" + i + "}").RootElement.Clone();
            }

            targets.TargetFiles[path] = file;
        }

        return targets;
    }

    [Fact]
    public void Parse_BigTargets_SignedBytesEqualCanonicalOfSignedAndWriter()
    {
        var targets = BigTargets(8000);
        byte[] file = MetadataWriter.ToFileBytes(targets, [new Signature("k", "00")], MetadataFileFormat.Indented);
        Assert.True(file.Length > SignedCanonicalizer.ParallelThreshold);

        var env = MetadataParser.Parse<Targets>(file, "targets.json");
        using var doc = JsonDocument.Parse(file);
        Assert.Equal(CanonicalJson.Encode(doc.RootElement.GetProperty("signed")), env.SignedBytes.ToArray());
        Assert.Equal(MetadataWriter.ToCanonicalBytes(targets), env.SignedBytes.ToArray());
        Assert.Equal(8000, env.Signed.TargetFiles.Count);
    }

    [Fact]
    public void Parse_BigTargetsWithFloatDeepInside_RejectedWithPath()
    {
        var node = JsonNode.Parse(MetadataWriter.ToFileBytes(BigTargets(8000), [], MetadataFileFormat.Indented))!;
        node["signed"]!["targets"]!["pkg/000000/file-0.tgz"]!["custom"]!["n"] = 0.5;
        var ex = Assert.Throws<DeserializationException>(() => MetadataParser.Parse<Targets>(Encoding.UTF8.GetBytes(node.ToJsonString()), "targets.json"));
        Assert.StartsWith("targets.json: signed.targets[\"pkg/000000/file-0.tgz\"].custom.n: floats are not allowed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BigTargetsWithBadField_ModelErrorWinsAndNothingLeaks()
    {
        var node = JsonNode.Parse(MetadataWriter.ToFileBytes(BigTargets(8000), [], MetadataFileFormat.Indented))!;
        node["signed"]!["version"] = 0;
        for (int i = 0; i < 20; i++)
        {
            var ex = Assert.Throws<DeserializationException>(() => MetadataParser.Parse<Targets>(Encoding.UTF8.GetBytes(node.ToJsonString()), "targets.json"));
            Assert.StartsWith("targets.json: signed.version: must be an integer >= 1", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Parse_BigTargetsConcurrently_AllAgree()
    {
        byte[] file = MetadataWriter.ToFileBytes(BigTargets(6000), [], MetadataFileFormat.Indented);
        byte[] expected = MetadataParser.Parse<Targets>(file).SignedBytes.ToArray();
        var results = new byte[8][];
        Parallel.For(0, results.Length, i => results[i] = MetadataParser.Parse<Targets>(file).SignedBytes.ToArray());
        Assert.All(results, r => Assert.Equal(expected, r));
    }
}
