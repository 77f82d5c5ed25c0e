using System.Text;
using System.Text.Json.Nodes;

namespace Tuf.Core.Tests.Json;

public class MetadataParserTests
{
    private static DeserializationException Rejects<T>(byte[] data, string source = "test.json")
        where T : Signed => Assert.Throws<DeserializationException>(() => MetadataParser.Parse<T>(data, source));

    [Fact]
    public void Parse_Root_MapsKeysRolesAndUnknownKeyFields()
    {
        var env = MetadataParser.Parse<Root>(MetadataSamples.Bytes(MetadataSamples.Root), "root.json");
        var root = env.Signed;
        Assert.Equal(3, root.Version);
        Assert.Equal("1.0.31", root.SpecVersion);
        Assert.True(root.ConsistentSnapshot);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), root.Expires);
        Assert.Equal(2, root.Keys.Count);
        var ecdsa = root.Keys[MetadataSamples.KeyId2];
        Assert.Equal("ecdsa", ecdsa.KeyType);
        Assert.Equal("ecdsa-sha2-nistp256", ecdsa.Scheme);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----\n", ecdsa.Public, StringComparison.Ordinal);
        Assert.Equal("@someone", ecdsa.UnrecognizedFields["x-tuf-on-ci-keyowner"].GetString());
        Assert.Equal(2, root.Roles["targets"].Threshold);
        Assert.Equal([MetadataSamples.KeyId1, MetadataSamples.KeyId2], root.Roles["targets"].KeyIds);
        Assert.Equal(new Signature(MetadataSamples.KeyId1, "00"), Assert.Single(env.Signatures));
    }

    [Fact]
    public void Parse_SmallTargets_AllocatesInProportionToTheFile()
    {
        // 1,024 hash bins of a few targets each are parsed by one commit: each must not cost a 64 KB digest buffer.
        byte[] data = MetadataSamples.Bytes(MetadataSamples.Targets);
        _ = MetadataParser.Parse<Targets>(data); // warm up (pooled buffers, type initialization)

        long before = GC.GetAllocatedBytesForCurrentThread();
        var env = MetadataParser.Parse<Targets>(data);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal("aa", env.Signed.TargetFiles["file1.txt"].Hashes["sha256"]);
        Assert.Equal("bb", env.Signed.TargetFiles["dir/ö.bin"].Hashes["sha512"]);
        Assert.True(allocated < 32 * 1024, $"parsing a {data.Length}-byte targets file allocated {allocated} bytes");
    }

    [Fact]
    public void Parse_Timestamp_MapsSnapshotMetaAndKeepsEmptySig()
    {
        var env = MetadataParser.Parse<Timestamp>(MetadataSamples.Bytes(MetadataSamples.Timestamp));
        Assert.Equal(7, env.Signed.Version);
        Assert.Equal(5, env.Signed.SnapshotMeta.Version);
        Assert.Equal(123, env.Signed.SnapshotMeta.Length);
        Assert.Equal("ab", env.Signed.SnapshotMeta.Hashes!["sha256"]);
        Assert.Equal("", Assert.Single(env.Signatures).Sig);
    }

    [Fact]
    public void Parse_Snapshot_MapsMetaWithOptionalLengthAndHashes()
    {
        var snapshot = MetadataParser.Parse<Snapshot>(MetadataSamples.Bytes(MetadataSamples.Snapshot)).Signed;
        Assert.Null(snapshot.Meta["targets.json"].Length);
        Assert.Null(snapshot.Meta["targets.json"].Hashes);
        Assert.Equal(10, snapshot.Meta["role1.json"].Length);
        Assert.Equal("ef", snapshot.Meta["role1.json"].Hashes!["sha512"]);
    }

    [Fact]
    public void Parse_TargetsWithDelegations_MapsOrderedRolesAndCustom()
    {
        var targets = MetadataParser.Parse<Targets>(MetadataSamples.Bytes(MetadataSamples.Targets)).Signed;
        Assert.Equal(31, targets.TargetFiles["file1.txt"].Length);
        Assert.Equal("file1.txt", targets.TargetFiles["file1.txt"].Path);
        Assert.Equal(2, targets.TargetFiles["file1.txt"].Custom!.Value.GetProperty("x").GetArrayLength());
        Assert.Equal(0, targets.TargetFiles["dir/ö.bin"].Length);
        var roles = targets.Delegations!.Roles!;
        Assert.Equal(["role1", "role2"], roles.Select(r => r.Name));
        Assert.True(roles[0].Terminating);
        Assert.Equal(["file3.txt", "dir/*"], roles[0].Paths!);
        Assert.Null(roles[0].PathHashPrefixes);
        Assert.Equal(["8f"], roles[1].PathHashPrefixes!);
        Assert.Null(targets.Delegations.SuccinctRoles);
    }

    [Fact]
    public void Parse_SuccinctRoles_MapsBitLengthPrefixAndUnknown()
    {
        var delegations = MetadataParser.Parse<Targets>(MetadataSamples.Bytes(MetadataSamples.SuccinctTargets)).Signed.Delegations!;
        Assert.Null(delegations.Roles);
        Assert.Equal(8, delegations.SuccinctRoles!.BitLength);
        Assert.Equal("bin", delegations.SuccinctRoles.NamePrefix);
        Assert.True(delegations.SuccinctRoles.UnrecognizedFields["x-extra"].GetBoolean());
    }

    [Theory]
    [InlineData("root")]
    [InlineData("timestamp")]
    [InlineData("snapshot")]
    [InlineData("targets")]
    [InlineData("succinct")]
    public void Parse_AnySample_AsSignedGivesTheRightTypeAndCanonicalSignedBytes(string name)
    {
        var bytes = MetadataSamples.Bytes(MetadataSamples.ByName(name));
        var env = MetadataParser.Parse<Signed>(bytes);
        Assert.Equal(name == "succinct" ? "targets" : name, env.Signed.Type);
        using var doc = System.Text.Json.JsonDocument.Parse(bytes);
        Assert.Equal(CanonicalJson.Encode(doc.RootElement.GetProperty("signed")), env.SignedBytes.ToArray());
        Assert.Equal(env.SignedBytes.ToArray(), MetadataWriter.ToCanonicalBytes(env.Signed));
    }

    [Fact]
    public void Parse_WrongType_MessageNamesSourceAndField()
    {
        var ex = Rejects<Root>(MetadataSamples.Bytes(MetadataSamples.Timestamp), "root.json");
        Assert.Equal("root.json: signed._type: expected root, got \"timestamp\"", ex.Message);
    }

    [Theory]
    [InlineData("Root")]
    [InlineData("mirrors")]
    [InlineData("")]
    public void Parse_UnknownType_Rejected(string type)
    {
        var data = MetadataSamples.Edit(MetadataSamples.Root, d => MetadataSamples.Signed(d)["_type"] = type);
        Assert.Contains("signed._type", Rejects<Signed>(data).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_VersionZero_MessageSaysIntegerAtLeastOne()
    {
        var data = MetadataSamples.Edit(MetadataSamples.Timestamp, d => MetadataSamples.Signed(d)["version"] = 0);
        var ex = Rejects<Timestamp>(data, "timestamp.json");
        Assert.StartsWith("timestamp.json: signed.version: must be an integer >= 1", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("1e0")]
    [InlineData("-3")]
    [InlineData("\"1\"")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("9223372036854775808")]
    public void Parse_BadVersion_Rejected(string version)
    {
        var data = Encoding.UTF8.GetBytes(MetadataSamples.Timestamp.Replace("\"version\":7", "\"version\":" + version, StringComparison.Ordinal));
        Assert.Contains("signed.version", Rejects<Timestamp>(data).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HugeVersionBelowLongMax_Accepted()
    {
        var data = MetadataSamples.Edit(MetadataSamples.Timestamp, d => MetadataSamples.Signed(d)["version"] = long.MaxValue);
        Assert.Equal(long.MaxValue, MetadataParser.Parse<Timestamp>(data).Signed.Version);
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("1.0.0")]
    [InlineData("1.0.31")]
    [InlineData("1.7")]
    public void Parse_SpecVersionMajorOne_Accepted(string spec)
    {
        var data = MetadataSamples.Edit(MetadataSamples.Timestamp, d => MetadataSamples.Signed(d)["spec_version"] = spec);
        Assert.Equal(spec, MetadataParser.Parse<Timestamp>(data).Signed.SpecVersion);
    }

    [Theory]
    [InlineData("2.0")]
    [InlineData("0.9")]
    [InlineData("1")]
    [InlineData("1.0.0.0")]
    [InlineData("1.x")]
    [InlineData("v1.0")]
    [InlineData("")]
    public void Parse_SpecVersionOther_Rejected(string spec)
    {
        var data = MetadataSamples.Edit(MetadataSamples.Timestamp, d => MetadataSamples.Signed(d)["spec_version"] = spec);
        Assert.Contains("signed.spec_version", Rejects<Timestamp>(data).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateProperty_Rejected()
    {
        var data = Encoding.UTF8.GetBytes(MetadataSamples.Timestamp.Replace("\"version\":7", "\"version\":7,\"version\":8", StringComparison.Ordinal));
        Assert.Contains("Duplicate", Rejects<Timestamp>(data).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicatePropertyThroughEscape_Rejected()
    {
        var data = Encoding.UTF8.GetBytes(MetadataSamples.Timestamp.Replace("\"version\":7", "\"version\":7,\"\\u0076ersion\":8", StringComparison.Ordinal));
        Rejects<Timestamp>(data);
    }

    [Fact]
    public void Parse_DuplicateKeyIdInKeys_Rejected()
    {
        string dup = MetadataSamples.Root.Replace("\"keys\":{", "\"keys\":{\"" + MetadataSamples.KeyId1 + "\":{\"keytype\":\"ed25519\",\"scheme\":\"ed25519\",\"keyval\":{\"public\":\"bb\"}},", StringComparison.Ordinal);
        Rejects<Root>(Encoding.UTF8.GetBytes(dup));
    }

    [Fact]
    public void Parse_KeyIdNotTheKeyHash_Accepted()
    {
        // Real repositories (and Notary) use key IDs that are not the spec's hash; a signature still only counts for its listed key ID.
        var root = MetadataParser.Parse<Root>(MetadataSamples.Bytes(MetadataSamples.Root)).Signed;
        Assert.NotEqual(MetadataSamples.KeyId1, root.Keys[MetadataSamples.KeyId1].ComputeKeyId());
    }

    [Fact]
    public void Parse_RoleKeyIdListedTwice_Rejected()
    {
        var data = MetadataSamples.Edit(MetadataSamples.Root, d =>
            MetadataSamples.Signed(d)["roles"]!["root"]!["keyids"] = new JsonArray(MetadataSamples.KeyId1, MetadataSamples.KeyId1));
        Assert.Contains("signed.roles[\"root\"].keyids", Rejects<Root>(data).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Parse_ThresholdBelowOne_Rejected(int threshold)
    {
        var data = MetadataSamples.Edit(MetadataSamples.Root, d => MetadataSamples.Signed(d)["roles"]!["snapshot"]!["threshold"] = threshold);
        Assert.Contains("signed.roles[\"snapshot\"].threshold", Rejects<Root>(data).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("root")]
    [InlineData("timestamp")]
    [InlineData("snapshot")]
    [InlineData("targets")]
    public void Parse_RootWithoutTopLevelRole_Rejected(string role)
    {
        var data = MetadataSamples.Edit(MetadataSamples.Root, d => MetadataSamples.Signed(d)["roles"]!.AsObject().Remove(role));
        Assert.Contains(role, Rejects<Root>(data).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TimestampWithoutSnapshotJson_Rejected()
    {
        var data = MetadataSamples.Edit(MetadataSamples.Timestamp, d =>
        {
            var meta = MetadataSamples.Signed(d)["meta"]!.AsObject();
            var entry = meta["snapshot.json"]!.DeepClone();
            meta.Remove("snapshot.json");
            meta["snapshot"] = entry; // the Notary form
        });
        Assert.Contains("snapshot.json", Rejects<Timestamp>(data).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TimestampWithExtraMeta_KeptAndWrittenBack()
    {
        var data = MetadataSamples.Edit(MetadataSamples.Timestamp, d => MetadataSamples.Signed(d)["meta"]!["root.json"] = new JsonObject { ["version"] = 2 });
        var env = MetadataParser.Parse<Timestamp>(data);
        Assert.Equal(env.SignedBytes.ToArray(), MetadataWriter.ToCanonicalBytes(env.Signed));
    }

    public static TheoryData<string, string> MissingFields() => new()
    {
        { "root", "signed._type" },
        { "root", "signed.spec_version" },
        { "root", "signed.version" },
        { "root", "signed.expires" },
        { "root", "signed.consistent_snapshot" },
        { "root", "signed.keys" },
        { "root", "signed.roles" },
        { "root", "signatures" },
        { "root", "signed" },
        { "timestamp", "signed.meta" },
        { "snapshot", "signed.meta" },
        { "targets", "signed.targets" },
        { "targets", "signed.delegations.keys" },
        { "root", "signed.keys.1111111111111111111111111111111111111111111111111111111111111111.keytype" },
        { "root", "signed.keys.1111111111111111111111111111111111111111111111111111111111111111.scheme" },
        { "root", "signed.keys.1111111111111111111111111111111111111111111111111111111111111111.keyval" },
        { "root", "signed.keys.1111111111111111111111111111111111111111111111111111111111111111.keyval.public" },
        { "root", "signed.roles.root.keyids" },
        { "root", "signed.roles.root.threshold" },
        { "timestamp", "signed.meta.snapshot.json.version" },
        { "targets", "signed.targets.file1.txt.length" },
        { "targets", "signed.targets.file1.txt.hashes" },
        { "targets", "signed.delegations.roles.0.name" },
        { "targets", "signed.delegations.roles.0.keyids" },
        { "targets", "signed.delegations.roles.0.threshold" },
        { "targets", "signed.delegations.roles.0.terminating" },
        { "targets", "signed.delegations.roles.0.paths" },
        { "succinct", "signed.delegations.succinct_roles.bit_length" },
        { "succinct", "signed.delegations.succinct_roles.name_prefix" },
        { "succinct", "signed.delegations.succinct_roles.keyids" },
        { "succinct", "signed.delegations.succinct_roles.threshold" },
    };

    [Theory]
    [MemberData(nameof(MissingFields))]
    public void Parse_MissingRequiredField_Rejected(string sample, string path)
    {
        // Paths are dot-separated, but key IDs and file names may contain dots: walk greedily.
        var data = MetadataSamples.Edit(MetadataSamples.ByName(sample), d => RemoveAt(d, path));
        var ex = Rejects<Signed>(data, sample + ".json");
        Assert.StartsWith(sample + ".json: ", ex.Message, StringComparison.Ordinal);
    }

    private static void RemoveAt(JsonNode node, string path)
    {
        var parts = path.Split('.');
        int i = 0;
        while (true)
        {
            // Find the longest dotted prefix that names a child.
            for (int len = parts.Length - i; len >= 1; len--)
            {
                string name = string.Join('.', parts, i, len);
                if (node is JsonArray array && int.TryParse(name, out int index))
                {
                    if (i + len == parts.Length)
                    {
                        array.RemoveAt(index);
                        return;
                    }

                    node = array[index]!;
                    i += len;
                    goto next;
                }

                if (node is JsonObject obj && obj.ContainsKey(name))
                {
                    if (i + len == parts.Length)
                    {
                        obj.Remove(name);
                        return;
                    }

                    node = obj[name]!;
                    i += len;
                    goto next;
                }
            }

            throw new InvalidOperationException("no such path " + path);
        next:;
        }
    }

    [Fact]
    public void Parse_BothPathsAndPathHashPrefixes_Rejected()
    {
        var data = MetadataSamples.Edit(MetadataSamples.Targets, d =>
            MetadataSamples.Signed(d)["delegations"]!["roles"]![0]!["path_hash_prefixes"] = new JsonArray("ab"));
        Assert.Contains("signed.delegations.roles[0]", Rejects<Targets>(data).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BothRolesAndSuccinctRoles_Rejected()
    {
        var data = MetadataSamples.Edit(MetadataSamples.SuccinctTargets, d =>
            MetadataSamples.Signed(d)["delegations"]!["roles"] = new JsonArray());
        Assert.Contains("succinct_roles", Rejects<Targets>(data).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NeitherRolesNorSuccinctRoles_Rejected()
    {
        var data = MetadataSamples.Edit(MetadataSamples.Targets, d => MetadataSamples.Signed(d)["delegations"]!.AsObject().Remove("roles"));
        Assert.Contains("signed.delegations", Rejects<Targets>(data).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DelegatedRoleNameTwice_Rejected()
    {
        var data = MetadataSamples.Edit(MetadataSamples.Targets, d => MetadataSamples.Signed(d)["delegations"]!["roles"]![1]!["name"] = "role1");
        Assert.Contains("more than once", Rejects<Targets>(data).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(33)]
    [InlineData(-8)]
    public void Parse_BitLengthOutOfRange_Rejected(int bits)
    {
        var data = MetadataSamples.Edit(MetadataSamples.SuccinctTargets, d => MetadataSamples.Signed(d)["delegations"]!["succinct_roles"]!["bit_length"] = bits);
        Assert.Contains("bit_length", Rejects<Targets>(data).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NegativeLength_Rejected()
    {
        var data = MetadataSamples.Edit(MetadataSamples.Targets, d => MetadataSamples.Signed(d)["targets"]!["file1.txt"]!["length"] = -1);
        Assert.Contains("signed.targets[\"file1.txt\"].length", Rejects<Targets>(data).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HashValueNotString_Rejected()
    {
        var data = MetadataSamples.Edit(MetadataSamples.Snapshot, d => MetadataSamples.Signed(d)["meta"]!["role1.json"]!["hashes"]!["sha256"] = 5);
        Assert.Contains("signed.meta[\"role1.json\"].hashes[\"sha256\"]", Rejects<Snapshot>(data).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TargetWithoutHashes_Rejected()
    {
        var data = MetadataSamples.Edit(MetadataSamples.Targets, d => MetadataSamples.Signed(d)["targets"]!["file1.txt"]!["hashes"] = new JsonObject());
        Rejects<Targets>(data);
    }

    [Theory]
    [InlineData("consistent_snapshot", "\"true\"")]
    [InlineData("keys", "[]")]
    [InlineData("roles", "null")]
    [InlineData("expires", "1893456000")]
    [InlineData("spec_version", "1")]
    public void Parse_RootFieldOfWrongType_Rejected(string field, string json)
    {
        var data = MetadataSamples.Edit(MetadataSamples.Root, d => MetadataSamples.Signed(d)[field] = JsonNode.Parse(json));
        Assert.Contains("signed." + field, Rejects<Root>(data).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"x\"")]
    [InlineData("{\"signed\":[],\"signatures\":[]}")]
    [InlineData("{\"signed\":{},\"signatures\":[]}")]
    [InlineData("{\"signatures\":{}}")]
    public void Parse_BadEnvelope_Rejected(string json)
    {
        Rejects<Signed>(Encoding.UTF8.GetBytes(json));
    }

    [Theory]
    [InlineData("[{\"keyid\":\"a\"}]")]
    [InlineData("[{\"sig\":\"a\"}]")]
    [InlineData("[{\"keyid\":1,\"sig\":\"a\"}]")]
    [InlineData("[\"a\"]")]
    [InlineData("{}")]
    public void Parse_BadSignatures_Rejected(string signatures)
    {
        var data = MetadataSamples.Edit(MetadataSamples.Timestamp, d => d["signatures"] = JsonNode.Parse(signatures));
        Assert.Contains("signatures", Rejects<Timestamp>(data).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SignatureWithExtraFields_AcceptedAsListed()
    {
        var data = MetadataSamples.Edit(MetadataSamples.Timestamp, d => d["signatures"] = JsonNode.Parse(
            "[{\"keyid\":\"a\",\"sig\":\"01\",\"method\":\"ed25519\"},{\"keyid\":\"b\",\"sig\":\"01\"}]"));
        Assert.Equal(2, MetadataParser.Parse<Timestamp>(data).Signatures.Count);
    }

    [Fact]
    public void Parse_RepeatedKeyIdInSignatures_RejectedNamingTheKeyId()
    {
        var data = MetadataSamples.Edit(MetadataSamples.Timestamp, d => d["signatures"] = JsonNode.Parse(
            "[{\"keyid\":\"a\",\"sig\":\"01\"},{\"keyid\":\"b\",\"sig\":\"02\"},{\"keyid\":\"a\",\"sig\":\"03\"}]"));

        var ex = Rejects<Timestamp>(data);

        Assert.Contains("signatures[2]: keyid: a is listed more than once", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"signed\":1,}")]
    [InlineData("/* c */{}")]
    [InlineData("{} {}")]
    [InlineData("{\"a\":NaN}")]
    [InlineData("")]
    public void Parse_NotStrictJson_Rejected(string json)
    {
        Assert.Contains("invalid JSON", Rejects<Signed>(Encoding.UTF8.GetBytes(json)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DepthBombInCustom_Rejected()
    {
        string bomb = new string('[', 100) + new string(']', 100);
        var data = Encoding.UTF8.GetBytes(MetadataSamples.Targets.Replace("\"custom\":{\"x\":[1,2]}", "\"custom\":" + bomb, StringComparison.Ordinal));
        Assert.Contains("depth", Rejects<Targets>(data).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FloatInUnknownField_RejectedWithPath()
    {
        var data = MetadataSamples.Edit(MetadataSamples.Targets, d => MetadataSamples.Signed(d)["targets"]!["file1.txt"]!["custom"] = JsonNode.Parse("{\"a\":1.5}"));
        var ex = Rejects<Targets>(data, "targets.json");
        Assert.StartsWith("targets.json: signed.targets[\"file1.txt\"].custom.a: floats are not allowed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FloatOutsideSigned_Rejected()
    {
        var data = MetadataSamples.Edit(MetadataSamples.Timestamp, d => d["x-note"] = 0.5);
        Rejects<Timestamp>(data);
    }

    [Fact]
    public void Parse_LoneSurrogateEscape_Rejected()
    {
        var data = Encoding.UTF8.GetBytes(MetadataSamples.Targets.Replace("file1.txt", "file\\ud800.txt", StringComparison.Ordinal));
        Rejects<Targets>(data);
    }

    [Fact]
    public void Parse_InvalidUtf8_Rejected()
    {
        var data = MetadataSamples.Bytes(MetadataSamples.Targets);
        int at = Array.IndexOf(data, (byte)'f');
        data[at] = 0xFF;
        Assert.Contains("UTF-8", Rejects<Targets>(data).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownFieldsEverywhere_KeptAndCoveredBySignedBytes()
    {
        var data = MetadataSamples.Edit(MetadataSamples.Targets, d =>
        {
            var s = MetadataSamples.Signed(d);
            s["x-top"] = new JsonObject { ["z"] = 1, ["a"] = new JsonArray("é", null, true) };
            s["delegations"]!["x-d"] = "1";
            s["delegations"]!["roles"]![0]!["x-r"] = 2;
            s["delegations"]!["keys"]![MetadataSamples.KeyId1]!["keyval"]!["private"] = "";
            s["targets"]!["file1.txt"]!["hashes"]!["blake2"] = "cc";
            d["x-envelope"] = "kept";
        });
        var env = MetadataParser.Parse<Targets>(data);
        Assert.True(env.Signed.UnrecognizedFields.ContainsKey("x-top"));
        Assert.Equal("1", env.Signed.Delegations!.UnrecognizedFields["x-d"].GetString());
        Assert.Equal(2, env.Signed.Delegations.Roles![0].UnrecognizedFields["x-r"].GetInt32());
        Assert.True(env.Signed.Delegations.Keys[MetadataSamples.KeyId1].KeyValUnrecognizedFields.ContainsKey("private"));
        Assert.Equal("kept", env.UnrecognizedFields["x-envelope"].GetString());
        Assert.Contains("\"x-top\":{\"a\":[\"é\",null,true],\"z\":1}"u8.ToArray(), Windows(env.SignedBytes.ToArray()));
        Assert.Equal(env.SignedBytes.ToArray(), MetadataWriter.ToCanonicalBytes(env.Signed));
    }

    private static IEnumerable<byte[]> Windows(byte[] haystack)
    {
        byte[] needle = "\"x-top\":{\"a\":[\"é\",null,true],\"z\":1}"u8.ToArray();
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            yield return haystack.AsSpan(i, needle.Length).ToArray();
        }
    }

    [Fact]
    public void Parse_KeyIdHashAlgorithms_IsAnUnknownKeyField()
    {
        var data = MetadataSamples.Edit(MetadataSamples.Root, d =>
            MetadataSamples.Signed(d)["keys"]![MetadataSamples.KeyId1]!["keyid_hash_algorithms"] = new JsonArray("sha256", "sha512"));
        var env = MetadataParser.Parse<Root>(data);
        Assert.Equal(2, env.Signed.Keys[MetadataSamples.KeyId1].UnrecognizedFields["keyid_hash_algorithms"].GetArrayLength());
        Assert.Equal(env.SignedBytes.ToArray(), MetadataWriter.ToCanonicalBytes(env.Signed));
    }

    [Fact]
    public void Parse_SourceWithControlCharacters_EscapedInMessage()
    {
        var ex = Rejects<Root>("[]"u8.ToArray(), "evil\nname");
        Assert.StartsWith("evil\\u000aname: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Invalid_ReturnsFalseWithMessage()
    {
        Assert.False(MetadataParser.TryParse<Root>("{"u8, out var result, out var error));
        Assert.Null(result);
        Assert.StartsWith("metadata: invalid JSON", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Valid_ReturnsEnvelope()
    {
        Assert.True(MetadataParser.TryParse<Timestamp>(MetadataSamples.Bytes(MetadataSamples.Timestamp), out var result, out var error));
        Assert.Null(error);
        Assert.Equal(7, result.Signed.Version);
    }

    [Fact]
    public void Parse_HundredMegabytesOfWhitespace_RejectedWithoutOtherException()
    {
        // Size caps are the caller's job (download limits); the parser itself must still only throw DeserializationException.
        var data = new byte[16 * 1024 * 1024];
        Array.Fill(data, (byte)' ');
        Rejects<Signed>(data);
    }
}
