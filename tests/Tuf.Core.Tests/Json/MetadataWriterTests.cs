using System.Text;
using System.Text.Json;
using Tuf.Core.Tests.RealWorld;
using Tuf.Testing;
using Xunit.Abstractions;

namespace Tuf.Core.Tests.Json;

public class MetadataWriterTests(ITestOutputHelper output)
{
    public static TheoryData<string> PythonTufGeneratedFiles()
    {
        var data = new TheoryData<string>();
        var dir = SharedVectors.Directory is null ? null : SharedVectors.PathOf("python-tuf", "generated_data", "ed25519_metadata");
        if (dir is null || !Directory.Exists(dir))
        {
            data.Add(string.Empty);
            return data;
        }

        foreach (var f in Directory.EnumerateFiles(dir, "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(f));
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(PythonTufGeneratedFiles))]
    public void ToFileBytes_Indented_EqualsPythonTufOutputByteForByte(string file)
    {
        Skip.If(file.Length == 0, SharedVectors.MissingMessage);

        var bytes = File.ReadAllBytes(SharedVectors.PathOf("python-tuf", "generated_data", "ed25519_metadata", file));
        var env = MetadataParser.Parse<Signed>(bytes, file);
        Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(MetadataWriter.ToFileBytes(env.Signed, env.Signatures, MetadataFileFormat.Indented)));
    }

    [SkippableFact]
    public void ToFileBytes_Indented_MatchesEveryRealFileInPythonLayout()
    {
        // Which real files were written by python-tuf's JSONSerializer is not recorded, so: every file whose
        // re-serialization matches counts, and the python-tuf generated set (above) must be among them.
        int matched = 0;
        foreach (var file in RealWorldVectors.MetadataFiles().Where(f => !RealWorldVectors.MustBeRejected(f)))
        {
            var bytes = RealWorldVectors.Read(file);
            var env = MetadataParser.Parse<Signed>(bytes, file);
            if (bytes.AsSpan().SequenceEqual(MetadataWriter.ToFileBytes(env.Signed, env.Signatures, MetadataFileFormat.Indented)))
            {
                matched++;
                output.WriteLine("python layout: " + file);
            }
        }

        output.WriteLine($"{matched} files in python-tuf layout");
        Assert.True(SharedVectors.Directory is null || matched >= 80, $"only {matched} files matched");
    }

    [SkippableFact]
    public void ToFileBytes_Canonical_EqualsCanonicalJsonOfTheFile()
    {
        var bytes = MetadataSamples.Bytes(MetadataSamples.Targets);
        var env = MetadataParser.Parse<Targets>(bytes);
        Assert.Equal(CanonicalJson.Encode(bytes), MetadataWriter.ToFileBytes(env.Signed, env.Signatures, MetadataFileFormat.Canonical));
    }

    [SkippableTheory]
    [InlineData(MetadataFileFormat.Compact)]
    [InlineData(MetadataFileFormat.Indented)]
    [InlineData(MetadataFileFormat.Canonical)]
    public void TryFileBytes_FromCanonicalBytes_EqualsTheFileOfTheModel(MetadataFileFormat format)
    {
        int compared = 0;
        foreach (var sample in (string[])[MetadataSamples.Root, MetadataSamples.Timestamp, MetadataSamples.Snapshot, MetadataSamples.Targets, MetadataSamples.SuccinctTargets])
        {
            var env = MetadataParser.Parse<Signed>(MetadataSamples.Bytes(sample));
            var shortcut = MetadataWriter.TryFileBytes(env.SignedBytes, [.. env.Signatures], format);
            if (shortcut is not null)
            {
                Assert.Equal(Encoding.UTF8.GetString(MetadataWriter.ToFileBytes(env.Signed, env.Signatures, format)), Encoding.UTF8.GetString(shortcut));
                compared++;
            }
        }

        Assert.True(compared >= 3, $"only {compared} samples are printable ASCII"); // (root's PEM keys hold newlines)
    }

    [SkippableFact]
    public void TryFileBytes_Indented_EqualsTheModelsLayoutForEveryRealFile()
    {
        // Real metadata from several implementations: empty and nested objects and arrays, delegations, custom fields.
        int compared = 0;
        foreach (var file in RealWorldVectors.MetadataFiles().Where(f => !RealWorldVectors.MustBeRejected(f)))
        {
            var env = MetadataParser.Parse<Signed>(RealWorldVectors.Read(file), file);
            var shortcut = MetadataWriter.TryFileBytes(env.SignedBytes, [.. env.Signatures], MetadataFileFormat.Indented);
            if (shortcut is not null)
            {
                Assert.True(shortcut.AsSpan().SequenceEqual(MetadataWriter.ToFileBytes(env.Signed, env.Signatures, MetadataFileFormat.Indented)), file);
                compared++;
            }
        }

        output.WriteLine($"{compared} files compared");
        Assert.True(SharedVectors.Directory is null || compared >= 50, $"only {compared} files compared");
    }

    [SkippableTheory]
    [InlineData("\u00f6")]
    [InlineData("\n")]
    [InlineData("\u007f")]
    public void TryFileBytes_CharacterTheLayoutEscapes_DeclinesSoTheModelIsEncoded(string character)
    {
        var targets = new Targets { Expires = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) };
        string path = "a" + character;
        targets.TargetFiles[path] = new TargetFile { Path = path, Length = 1, Hashes = { ["sha256"] = "ab" } };
        Assert.Null(MetadataWriter.TryFileBytes(MetadataWriter.ToCanonicalBytes(targets), [], MetadataFileFormat.Compact));
        Assert.Null(MetadataWriter.TryFileBytes(MetadataWriter.ToCanonicalBytes(targets), [], MetadataFileFormat.Indented));
    }

    [SkippableFact]
    public void ToFileBytes_Indented_EscapesNonAsciiLikePython()
    {
        var targets = new Targets { Expires = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) };
        string path = "ö/\ud83c\udf7a\u007f\u2028\"\\\n\u0001";
        targets.TargetFiles[path] = new TargetFile { Path = path, Length = 1, Hashes = { ["sha256"] = "ab" } };
        var text = Encoding.UTF8.GetString(MetadataWriter.ToFileBytes(targets, [], MetadataFileFormat.Indented));
        Assert.Contains("\"\\u00f6/\\ud83c\\udf7a\\u007f\\u2028\\\"\\\\\\n\\u0001\": {", text, StringComparison.Ordinal);
        Assert.StartsWith("{\n \"signatures\": [],\n \"signed\": {\n  \"_type\": \"targets\",\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\n }\n}", text, StringComparison.Ordinal);

        // And it reads back to the same model.
        var env = MetadataParser.Parse<Targets>(Encoding.UTF8.GetBytes(text));
        Assert.Equal(path, env.Signed.TargetFiles.Single().Key);
    }

    [SkippableFact]
    public void ToCanonicalBytes_NewModel_SortsKnownAndUnknownFieldsByCodePoint()
    {
        var targets = new Targets { Version = 2, Expires = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) };
        using var doc = JsonDocument.Parse("{\"a\":1,\"zz\":[true],\"\ue000\":\"p\",\"\ud83d\ude00\":null}");
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            targets.UnrecognizedFields[p.Name] = p.Value.Clone();
        }

        targets.TargetFiles["b"] = new TargetFile { Path = "b", Length = 2, Hashes = { ["sha512"] = "22", ["sha256"] = "11" } };
        targets.TargetFiles["a"] = new TargetFile { Path = "a", Length = 1, Hashes = { ["sha256"] = "00" } };
        string expected = "{\"_type\":\"targets\",\"a\":1,\"expires\":\"2030-01-01T00:00:00Z\",\"spec_version\":\"1.0.31\","
            + "\"targets\":{\"a\":{\"hashes\":{\"sha256\":\"00\"},\"length\":1},\"b\":{\"hashes\":{\"sha256\":\"11\",\"sha512\":\"22\"},\"length\":2}},"
            + "\"version\":2,\"zz\":[true],\"\ue000\":\"p\",\"\ud83d\ude00\":null}";
        Assert.Equal(expected, Encoding.UTF8.GetString(MetadataWriter.ToCanonicalBytes(targets)));
    }

    [SkippableFact]
    public void ToCanonicalBytes_ExpiresChangedAfterParse_WritesSpecForm()
    {
        var data = MetadataSamples.Edit(MetadataSamples.Timestamp, d => MetadataSamples.Signed(d)["expires"] = "2030-01-01T00:00:00.5-06:00");
        var timestamp = MetadataParser.Parse<Timestamp>(data).Signed;
        Assert.Contains("\"expires\":\"2030-01-01T00:00:00.5-06:00\"", Encoding.UTF8.GetString(MetadataWriter.ToCanonicalBytes(timestamp)), StringComparison.Ordinal);
        timestamp.Expires = timestamp.Expires.AddDays(1);
        Assert.Contains("\"expires\":\"2030-01-02T06:00:00Z\"", Encoding.UTF8.GetString(MetadataWriter.ToCanonicalBytes(timestamp)), StringComparison.Ordinal);
    }

    [SkippableFact]
    public void ToCanonicalBytes_UnknownFieldNamedLikeKnownOne_Throws()
    {
        var root = MetadataParser.Parse<Root>(MetadataSamples.Bytes(MetadataSamples.Root)).Signed;
        using var doc = JsonDocument.Parse("5");
        root.UnrecognizedFields["version"] = doc.RootElement.Clone();
        Assert.Throws<ArgumentException>(() => MetadataWriter.ToCanonicalBytes(root));
    }

    [SkippableFact]
    public void ToCanonicalBytes_DelegationsWithBothRoleKinds_Throws()
    {
        var targets = MetadataParser.Parse<Targets>(MetadataSamples.Bytes(MetadataSamples.Targets)).Signed;
        targets.Delegations!.SuccinctRoles = new SuccinctRoles { NamePrefix = "bin", BitLength = 4 };
        Assert.Throws<ArgumentException>(() => MetadataWriter.ToCanonicalBytes(targets));
    }

    [SkippableFact]
    public void ToCanonicalBytes_LoneSurrogateInModel_ThrowsArgumentException()
    {
        var targets = new Targets();
        targets.TargetFiles["\ud800"] = new TargetFile { Path = "\ud800", Length = 1, Hashes = { ["sha256"] = "00" } };
        Assert.Throws<ArgumentException>(() => MetadataWriter.ToCanonicalBytes(targets));
    }

    [SkippableFact]
    public void ToCanonicalBytes_Key_IsSortedCanonicalKeyObject()
    {
        var key = new Key { KeyType = "ed25519", Scheme = "ed25519", Public = "ab\"c" };
        key.KeyValUnrecognizedFields["private"] = JsonDocument.Parse("\"\"").RootElement.Clone();
        Assert.Equal("{\"keytype\":\"ed25519\",\"keyval\":{\"private\":\"\",\"public\":\"ab\\\"c\"},\"scheme\":\"ed25519\"}",
            Encoding.UTF8.GetString(MetadataWriter.ToCanonicalBytes(key)));
    }

    [SkippableFact]
    public void ComputeKeyId_PythonTufKeys_MatchTheirListedKeyIds()
    {
        // python-tuf computes key IDs as the spec says (sha256 of the canonical key, unknown fields included).
        Skip.If(SharedVectors.Directory is null, SharedVectors.MissingMessage);

        // python-tuf's repository_data lists every key under the spec's key ID (keyid_hash_algorithms included in the
        // hash, the RSA PEM's newlines raw as canonical JSON writes them); the generated_data keys use fixed IDs.
        var root = MetadataParser.Parse<Root>(File.ReadAllBytes(SharedVectors.PathOf("python-tuf", "repository_data", "repository", "metadata", "root.json"))).Signed;
        string[] specIds =
        [
            "59a4df8af818e9ed7abe0764c0b47b4240952aa0d179b5b78346c470ac30278d",
            "65171251a9aff5a8b3143a813481cb07f6e0de4eb197c767837fe4491b739093",
            "8a1c4a3ac2d515dec982ba9910c5fd79b91ae57f625b9cff25d06bf0a61c1758",
        ];
        foreach (var id in specIds)
        {
            Assert.Equal(id, root.Keys[id].ComputeKeyId());
        }

        Assert.All(root.Keys, kv => Assert.Equal(kv.Key, kv.Value.ComputeKeyId()));
    }

    [SkippableFact]
    public void ToFileBytes_Compact_IsValidStrictJsonWithCanonicalSignedBytes()
    {
        // A PEM key has raw newlines: canonical output keeps them raw (not valid JSON), Compact escapes them.
        var root = new Root { Expires = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) };
        var key = new Key { KeyType = "ecdsa", Scheme = "ecdsa-sha2-nistp256", Public = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n" };
        key.UnrecognizedFields["x-owner"] = System.Text.Json.JsonDocument.Parse("\"\u00f6\\u0001\"").RootElement.Clone();
        string id = key.ComputeKeyId();
        root.Keys[id] = key;
        foreach (var name in new[] { "root", "timestamp", "snapshot", "targets" })
        {
            root.Roles[name] = new Role { KeyIds = [id], Threshold = 1 };
        }

        var compact = MetadataWriter.ToFileBytes(root, [new Signature(id, "00")], MetadataFileFormat.Compact);
        Assert.DoesNotContain((byte)'\n', compact);
        Assert.DoesNotContain((byte)' ', compact.AsSpan(0, compact.AsSpan().IndexOf("-----BEGIN"u8)).ToArray());
        Assert.True(compact.All(b => b < 0x80), "Compact output is ASCII-only");
        var parsed = MetadataParser.Parse<Root>(compact);
        Assert.Equal(MetadataWriter.ToCanonicalBytes(root), parsed.SignedBytes.ToArray());

        var canonical = MetadataWriter.ToFileBytes(root, [new Signature(id, "00")], MetadataFileFormat.Canonical);
        Assert.Contains((byte)'\n', canonical);
    }
}
