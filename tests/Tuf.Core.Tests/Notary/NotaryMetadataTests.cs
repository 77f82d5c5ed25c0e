using System.Security.Cryptography;
using System.Text;
using Tuf.Notary;
using Tuf.Testing;

namespace Tuf.Core.Tests.Notary;

/// <summary>Notary's dialect read from collections the real notary 0.7 CLI and server wrote (spec-vectors/notary-0.7).</summary>
public sealed class NotaryMetadataTests
{
    private static string Dir(string state) => Path.Combine(SharedVectors.RepoRoot, "spec-vectors", "notary-0.7", "example.com-app", state);

    private static NotaryMetadata Load(string state, string role, string type) =>
        NotaryMetadata.Parse(File.ReadAllBytes(Path.Combine(Dir(state), role + ".json")), type, role + ".json");

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public void Every_role_verifies_against_the_root_beside_it(string state)
    {
        var root = Load(state, "root", "Root");
        root.VerifySignatures(root.Roles["root"], root.Keys);
        Assert.All(root.Roles["root"].KeyIds, id => Assert.Equal("ecdsa-x509", root.Keys[id].KeyType));
        using (var cert = root.Keys[root.Roles["root"].KeyIds[0]].TryGetCertificate())
        {
            Assert.Equal("example.com/app", cert!.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false));
        }

        var timestamp = Load(state, "timestamp", "Timestamp");
        timestamp.VerifySignatures(root.Roles["timestamp"], root.Keys);
        var snapshot = Load(state, "snapshot", "Snapshot");
        snapshot.VerifySignatures(root.Roles["snapshot"], root.Keys);
        var targets = Load(state, "targets", "Targets");
        targets.VerifySignatures(root.Roles["targets"], root.Keys);
        var releases = Load(state, "targets/releases", "Targets");
        var delegation = Assert.Single(targets.Delegations);
        Assert.Equal("targets/releases", delegation.Name);
        Assert.Equal(["rel/"], delegation.Paths);
        releases.VerifySignatures(delegation, targets.Keys);
        Assert.All(releases.Targets.Keys, name => Assert.True(delegation.MaySign(name)));

        // The timestamp and snapshot name the exact bytes served.
        AssertMeta(timestamp.Meta["snapshot"], "snapshot", state);
        foreach (var role in new[] { "root", "targets", "targets/releases" })
        {
            AssertMeta(snapshot.Meta[role], role, state);
        }

        var hello = targets.Targets["hello"];
        Assert.Equal(6, hello.Length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("hello\n"u8)), hello.Sha256Hex);
    }

    [Fact]
    public void Signatures_cover_the_canonical_form_not_the_served_escapes()
    {
        byte[] served = File.ReadAllBytes(Path.Combine(Dir("v1"), "targets.json"));
        Assert.Contains("a\\u003cb\\u003e\\u0026c", Encoding.UTF8.GetString(served), StringComparison.Ordinal);
        var targets = NotaryMetadata.Parse(served, "Targets", "targets.json");
        Assert.Contains("a<b>&c é/\"q\"\\x", targets.Targets.Keys);
        Assert.Contains("\"a<b>&c é/\\\"q\\\"\\\\x\"", Encoding.UTF8.GetString(targets.SignedBytes), StringComparison.Ordinal);
        var root = Load("v1", "root", "Root");
        targets.VerifySignatures(root.Roles["targets"], root.Keys);
    }

    [Fact]
    public void Each_root_version_is_signed_by_the_previous_root_key()
    {
        var dir = Path.GetDirectoryName(Dir("v1"))!;
        NotaryMetadata? previous = null;
        for (int n = 1; n <= 3; n++)
        {
            var root = NotaryMetadata.Parse(File.ReadAllBytes(Path.Combine(dir, $"{n}.root.json")), "Root", $"{n}.root.json");
            Assert.Equal(n, root.Version);
            root.VerifySignatures(root.Roles["root"], root.Keys);
            if (previous is not null)
            {
                root.VerifySignatures(previous.Roles["root"], previous.Keys);
            }

            previous = root;
        }
    }

    [Theory]
    [InlineData("targets", "Targets", "\"length\":6", "\"length\":7")]
    [InlineData("targets/releases", "Targets", "rel/v2", "rel/v9")]
    [InlineData("snapshot", "Snapshot", "\"length\":2286", "\"length\":2285")]
    [InlineData("timestamp", "Timestamp", "\"version\":", "\"version\":1")]
    [InlineData("root", "Root", "\"threshold\":1}", "\"threshold\":1 }")]
    public void A_changed_byte_in_signed_breaks_the_signature_or_the_parse(string role, string type, string from, string to)
    {
        var root = Load("v1", "root", "Root");
        var targets = Load("v1", "targets", "Targets");
        string text = File.ReadAllText(Path.Combine(Dir("v1"), role + ".json"));
        Assert.Contains(from, text, StringComparison.Ordinal);
        var changed = Encoding.UTF8.GetBytes(ReplaceFirst(text, from, to));
        var metadata = NotaryMetadata.Parse(changed, type, role + ".json");
        var signer = role == "targets/releases" ? targets.Delegations[0] : root.Roles[role];
        var keys = role == "targets/releases" ? targets.Keys : root.Keys;
        bool sameSignedForm = metadata.SignedBytes.AsSpan().SequenceEqual(Load("v1", role, type).SignedBytes);
        if (sameSignedForm)
        {
            // Whitespace outside strings is not signed: the canonical form is unchanged, and so is the verdict.
            metadata.VerifySignatures(signer, keys);
        }
        else
        {
            Assert.Throws<UnsignedMetadataException>(() => metadata.VerifySignatures(signer, keys));
        }
    }

    [Theory]
    [InlineData("{\"signed\":{\"_type\":\"Targets\"},\"signatures\":[]}", "Root", "signed._type is 'Targets', expected 'Root'")]
    [InlineData("{\"signed\":{\"_type\":\"Timestamp\",\"version\":0,\"expires\":\"2030-01-01T00:00:00Z\",\"meta\":{}},\"signatures\":[]}", "Timestamp", "signed.version must be at least 1")]
    [InlineData("{\"signed\":{\"_type\":\"Timestamp\",\"version\":1,\"expires\":\"yesterday\",\"meta\":{}},\"signatures\":[]}", "Timestamp", "is not an RFC 3339 time")]
    [InlineData("{\"signed\":{\"_type\":\"Timestamp\",\"version\":1,\"expires\":\"2030-01-01T00:00:00.123456789Z\",\"meta\":{}},\"signatures\":[]}", "Timestamp", "the timestamp lists no snapshot")]
    [InlineData("{\"signed\":{\"_type\":\"Timestamp\",\"version\":1,\"expires\":\"2030-01-01T00:00:00Z\",\"meta\":{\"snapshot\":{\"length\":1,\"hashes\":{\"sha256\":\"AAAA\"}}}},\"signatures\":[]}", "Timestamp", "hashes.sha256 is not a sha256 digest")]
    [InlineData("{\"signed\":{\"_type\":\"Timestamp\",\"version\":1,\"expires\":\"2030-01-01T00:00:00Z\",\"meta\":{\"snapshot\":{\"length\":1,\"hashes\":{\"sha512\":\"AAAA\"}}}},\"signatures\":[]}", "Timestamp", "sha512 is not a sha512 digest")]
    [InlineData("{\"signed\":{\"_type\":\"Targets\",\"version\":1,\"expires\":\"2030-01-01T00:00:00Z\",\"targets\":{},\"delegations\":{\"keys\":{},\"roles\":[{\"name\":\"releases\",\"keyids\":[],\"threshold\":1}]}},\"signatures\":[]}", "Targets", "a delegated role is named targets/NAME")]
    [InlineData("{\"signed\":{\"_type\":\"Targets\",\"version\":1,\"expires\":\"2030-01-01T00:00:00Z\",\"targets\":{},\"delegations\":{\"keys\":{},\"roles\":[{\"name\":\"targets/a\",\"keyids\":[\"ab\"],\"threshold\":1}]}},\"signatures\":[]}", "Targets", "ab is not among the keys")]
    [InlineData("{\"signed\":{\"_type\":\"Targets\",\"version\":1,\"expires\":\"2030-01-01T00:00:00Z\",\"targets\":{}},\"signatures\":[{\"keyid\":\"a\",\"method\":\"ecdsa\",\"sig\":\"!!\"}]}", "Targets", "signatures[].sig is not base64")]
    [InlineData("{\"signed\":{\"_type\":\"Root\",\"version\":1,\"expires\":\"2030-01-01T00:00:00Z\",\"keys\":{\"ab\":{\"keytype\":\"\\ud800\",\"keyval\":{\"public\":\"AAAA\"}}},\"roles\":{}},\"signatures\":[]}", "Root", "x.json: ")]
    [InlineData("{\"signed\":{\"_type\":\"Targets\",\"version\":1,\"expires\":\"2030-01-01T00:00:00Z\",\"targets\":{},\"x\":1.5},\"signatures\":[]}", "Targets", "signed: ")]
    public void Malformed_metadata_is_refused_naming_the_field(string json, string type, string message)
    {
        var error = Assert.Throws<DeserializationException>(() => NotaryMetadata.Parse(Encoding.UTF8.GetBytes(json), type, "x.json"));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("x.json: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Go_writes_empty_maps_and_slices_as_null_and_they_read_as_empty()
    {
        const string json = "{\"signed\":{\"_type\":\"Targets\",\"delegations\":{\"keys\":null,\"roles\":null},\"expires\":\"2030-01-01T00:00:00Z\",\"targets\":null,\"version\":3},\"signatures\":[]}";
        var targets = NotaryMetadata.Parse(Encoding.UTF8.GetBytes(json), "Targets", "targets.json");
        Assert.Empty(targets.Targets);
        Assert.Empty(targets.Delegations);
        Assert.Empty(targets.Keys);
        var error = Assert.Throws<DeserializationException>(() => NotaryMetadata.Parse(Encoding.UTF8.GetBytes(json.Replace("\"roles\":null", "\"roles\":7", StringComparison.Ordinal)), "Targets", "targets.json"));
        Assert.Contains("signed.delegations.roles must be an array", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_listed_under_a_wrong_id_is_refused()
    {
        string text = File.ReadAllText(Path.Combine(Dir("v1"), "root.json"));
        var root = NotaryMetadata.Parse(Encoding.UTF8.GetBytes(text), "Root", "root.json");
        string id = root.Roles["targets"].KeyIds[0];
        string wrong = (id[0] == 'a' ? "b" : "a") + id[1..];
        var error = Assert.Throws<DeserializationException>(() => NotaryMetadata.Parse(Encoding.UTF8.GetBytes(text.Replace(id, wrong, StringComparison.Ordinal)), "Root", "root.json"));
        Assert.Contains("the key ID is not the SHA-256 of the key", error.Message, StringComparison.Ordinal);
    }

    private static void AssertMeta(NotaryFileMeta meta, string role, string state)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(Dir(state), role + ".json"));
        Assert.Equal(bytes.Length, meta.Length);
        Assert.Equal(SHA256.HashData(bytes), meta.Hashes["sha256"]);
        Assert.Equal(SHA512.HashData(bytes), meta.Hashes["sha512"]);
    }

    private static string ReplaceFirst(string text, string from, string to)
    {
        int i = text.IndexOf(from, StringComparison.Ordinal);
        return text[..i] + to + text[(i + from.Length)..];
    }
}
