using System.Text;

namespace Tuf.Core.Tests.Metadata;

public class TargetFileHashesTests
{
    private static Targets Parse(string targetsJson)
    {
        string doc = "{\"signatures\":[],\"signed\":{\"_type\":\"targets\",\"spec_version\":\"1.0.31\",\"version\":1,"
            + "\"expires\":\"2030-01-01T00:00:00Z\",\"targets\":" + targetsJson + "}}";
        return MetadataParser.Parse<Targets>(Encoding.UTF8.GetBytes(doc)).Signed;
    }

    [Fact]
    public void Hashes_Parsed_BehaveAsADictionary()
    {
        var hashes = Parse("{\"a\":{\"length\":1,\"hashes\":{\"sha512\":\"bb\",\"sha256\":\"aa\"}}}").TargetFiles["a"].Hashes;
        Assert.Equal(2, hashes.Count);
        Assert.Equal("aa", hashes["sha256"]);
        Assert.True(hashes.TryGetValue("sha512", out var v) && v == "bb");
        Assert.False(hashes.ContainsKey("md5"));
        Assert.Throws<KeyNotFoundException>(() => hashes["md5"]);
        Assert.Equal(["sha512", "sha256"], hashes.Select(kv => kv.Key));
        Assert.Contains(new KeyValuePair<string, string>("sha256", "aa"), hashes);
    }

    [Fact]
    public void Hashes_ChangedAfterParse_WriterUsesTheChange()
    {
        var targets = Parse("{\"a\":{\"length\":1,\"hashes\":{\"sha256\":\"aa\"}}}");
        var hashes = targets.TargetFiles["a"].Hashes;
        hashes["sha256"] = "cc";
        hashes.Add("blake2b", "dd");
        Assert.Equal(2, hashes.Count);
        Assert.True(hashes.Remove("blake2b"));
        Assert.Contains("\"hashes\":{\"sha256\":\"cc\"}", Encoding.UTF8.GetString(MetadataWriter.ToCanonicalBytes(targets)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"sha256\":\"a\\u0062\"}", "ab")]
    [InlineData("{\"sha256\":\"é\"}", "é")]
    [InlineData("{\"x\":\"1\",\"y\":\"2\",\"sha256\":\"3\"}", "3")]
    public void Hashes_EscapedNonAsciiOrMany_ReadCorrectly(string hashesJson, string sha256)
    {
        var targets = Parse("{\"a\":{\"length\":1,\"hashes\":" + hashesJson + "}}");
        Assert.Equal(sha256, targets.TargetFiles["a"].Hashes["sha256"]);
        var file = MetadataWriter.ToFileBytes(targets, [], MetadataFileFormat.Indented);
        Assert.Equal(MetadataWriter.ToCanonicalBytes(targets), MetadataParser.Parse<Targets>(file).SignedBytes.ToArray());
    }

    [Fact]
    public void NewTargetFile_DictionariesCreatedOnUse()
    {
        var file = new TargetFile { Path = "p" };
        Assert.Null(file.Custom);
        Assert.Empty(file.Hashes);
        file.UnrecognizedFields["custom"] = System.Text.Json.JsonDocument.Parse("{\"k\":1}").RootElement.Clone();
        Assert.Equal(1, file.Custom!.Value.GetProperty("k").GetInt32());
    }
}
