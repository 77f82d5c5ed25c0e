using System.Text;
using System.Text.Json.Nodes;

namespace Tuf.Core.Tests.Json;

/// <summary>Small valid metadata documents for strictness tests; each test edits a copy as a <see cref="JsonNode"/>.</summary>
internal static class MetadataSamples
{
    public const string KeyId1 = "1111111111111111111111111111111111111111111111111111111111111111";
    public const string KeyId2 = "2222222222222222222222222222222222222222222222222222222222222222";

    private const string Key1 = """{"keytype":"ed25519","scheme":"ed25519","keyval":{"public":"aa"}}""";

    public static readonly string Root = """
        {"signatures":[{"keyid":"KEYID1","sig":"00"}],
         "signed":{"_type":"root","spec_version":"1.0.31","version":3,"expires":"2030-01-01T00:00:00Z","consistent_snapshot":true,
           "keys":{"KEYID1":KEY1,"KEYID2":{"keytype":"ecdsa","scheme":"ecdsa-sha2-nistp256","keyval":{"public":"-----BEGIN PUBLIC KEY-----\nAB\n-----END PUBLIC KEY-----\n"},"x-tuf-on-ci-keyowner":"@someone"}},
           "roles":{"root":{"keyids":["KEYID1"],"threshold":1},"timestamp":{"keyids":["KEYID1"],"threshold":1},
                    "snapshot":{"keyids":["KEYID1"],"threshold":1},"targets":{"keyids":["KEYID1","KEYID2"],"threshold":2}}}}
        """.Replace("KEY1", Key1, StringComparison.Ordinal).Replace("KEYID1", KeyId1, StringComparison.Ordinal).Replace("KEYID2", KeyId2, StringComparison.Ordinal);

    public static readonly string Timestamp = """
        {"signatures":[{"keyid":"KEYID1","sig":""}],
         "signed":{"_type":"timestamp","spec_version":"1.0","version":7,"expires":"2030-01-01T00:00:00Z",
           "meta":{"snapshot.json":{"version":5,"length":123,"hashes":{"sha256":"ab"}}}}}
        """.Replace("KEY1", Key1, StringComparison.Ordinal).Replace("KEYID1", KeyId1, StringComparison.Ordinal).Replace("KEYID2", KeyId2, StringComparison.Ordinal);

    public static readonly string Snapshot = """
        {"signatures":[],
         "signed":{"_type":"snapshot","spec_version":"1.0.0","version":5,"expires":"2030-01-01T00:00:00Z",
           "meta":{"targets.json":{"version":4},"role1.json":{"version":1,"length":10,"hashes":{"sha256":"cd","sha512":"ef"}}}}}
        """.Replace("KEY1", Key1, StringComparison.Ordinal).Replace("KEYID1", KeyId1, StringComparison.Ordinal).Replace("KEYID2", KeyId2, StringComparison.Ordinal);

    public static readonly string Targets = """
        {"signatures":[{"keyid":"KEYID1","sig":"abcd"}],
         "signed":{"_type":"targets","spec_version":"1.0.31","version":4,"expires":"2030-01-01T00:00:00Z",
           "targets":{"file1.txt":{"length":31,"hashes":{"sha256":"aa"},"custom":{"x":[1,2]}},"dir/ö.bin":{"length":0,"hashes":{"sha512":"bb"}}},
           "delegations":{"keys":{"KEYID1":KEY1},
             "roles":[{"name":"role1","keyids":["KEYID1"],"threshold":1,"terminating":true,"paths":["file3.txt","dir/*"]},
                      {"name":"role2","keyids":[],"threshold":1,"terminating":false,"path_hash_prefixes":["8f"]}]}}}
        """.Replace("KEY1", Key1, StringComparison.Ordinal).Replace("KEYID1", KeyId1, StringComparison.Ordinal).Replace("KEYID2", KeyId2, StringComparison.Ordinal);

    public static readonly string SuccinctTargets = """
        {"signatures":[],
         "signed":{"_type":"targets","spec_version":"1.0.31","version":1,"expires":"2030-01-01T00:00:00Z","targets":{},
           "delegations":{"keys":{"KEYID1":KEY1},
             "succinct_roles":{"keyids":["KEYID1"],"threshold":1,"bit_length":8,"name_prefix":"bin","x-extra":true}}}}
        """.Replace("KEY1", Key1, StringComparison.Ordinal).Replace("KEYID1", KeyId1, StringComparison.Ordinal).Replace("KEYID2", KeyId2, StringComparison.Ordinal);

    public static string ByName(string name) => name switch
    {
        "root" => Root,
        "timestamp" => Timestamp,
        "snapshot" => Snapshot,
        "targets" => Targets,
        "succinct" => SuccinctTargets,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    public static byte[] Bytes(string json) => Encoding.UTF8.GetBytes(json);

    /// <summary>Applies <paramref name="edit"/> to a copy of the sample and returns the bytes.</summary>
    public static byte[] Edit(string sample, Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(sample)!.AsObject();
        edit(node);
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    public static JsonObject Signed(JsonObject document) => document["signed"]!.AsObject();
}
