using Tuf.Testing;

namespace Tuf.Signing.Tests;

public sealed class KeyStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tuf-keystore-tests", Guid.NewGuid().ToString("N"));
    private readonly KeyStore _store;

    public KeyStoreTests() => _store = new KeyStore(_dir) { Limits = KdfLimits.Minimum };

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [SkippableTheory]
    [InlineData(SigningKeyType.Ed25519, "ed25519", "ed25519")]
    [InlineData(SigningKeyType.EcdsaP256, "ecdsa", "ecdsa-sha2-nistp256")]
    [InlineData(SigningKeyType.Rsa3072, "rsa", "rsassa-pss-sha256")]
    public async Task Generate_EachType_UnlocksAndSignsVerifiably(SigningKeyType type, string keyType, string scheme)
    {
        var entry = _store.Generate("k", type, "pass");
        Assert.Equal(keyType, entry.PublicKey.KeyType);
        Assert.Equal(scheme, entry.PublicKey.Scheme);
        Assert.Equal(entry.PublicKey.ComputeKeyId(), entry.KeyId);

        var signer = _store.Unlock("k", "pass");
        Assert.Equal(entry.KeyId, signer.KeyId);
        byte[] data = "{\"a\":1}"u8.ToArray();
        byte[] sig = await signer.SignAsync(data);
        Assert.True(entry.PublicKey.Verify(data, sig));
    }

    [SkippableFact]
    public void Generate_File_IsOwnerOnlyAndHoldsNoPlaintextKey()
    {
        _store.Generate("k", SigningKeyType.Ed25519, "pass");
        string path = Path.Combine(_dir, "k.key.json");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_dir));
        }

        string text = File.ReadAllText(path);
        Assert.Contains("\"format\": \"tuf-net-key\"", text);
        Assert.Contains("\"algorithm\": \"argon2id\"", text);
        Assert.Contains("\"algorithm\": \"xchacha20-poly1305\"", text);
        Assert.DoesNotContain("PRIVATE KEY", text);
    }

    [SkippableFact]
    public void Unlock_WrongPassphrase_ClearErrorAndFileUnchanged()
    {
        _store.Generate("k", SigningKeyType.Ed25519, "right");
        byte[] before = File.ReadAllBytes(Path.Combine(_dir, "k.key.json"));
        var ex = Assert.Throws<SigningException>(() => _store.Unlock("k", "wrong"));
        Assert.Contains("wrong passphrase for key 'k'", ex.Message);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(_dir, "k.key.json")));
    }

    [SkippableFact]
    public void Unlock_CiphertextMovedUnderOtherPublicKey_Refused()
    {
        _store.Generate("a", SigningKeyType.Ed25519, "p");
        _store.Generate("b", SigningKeyType.Ed25519, "p");
        var a = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "a.key.json")))!;
        var b = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "b.key.json")))!;
        a["cipher"] = b["cipher"]!.DeepClone();
        a["kdf"] = b["kdf"]!.DeepClone();
        File.WriteAllText(Path.Combine(_dir, "a.key.json"), a.ToJsonString());
        Assert.Throws<SigningException>(() => _store.Unlock("a", "p"));
    }

    [SkippableFact]
    public void Generate_ExistingOrInvalidName_Refused()
    {
        _store.Generate("k", SigningKeyType.Ed25519, "p");
        Assert.Contains("already exists", Assert.Throws<SigningException>(() => _store.Generate("k", SigningKeyType.Ed25519, "p")).Message);
        Assert.Throws<SigningException>(() => _store.Generate("../evil", SigningKeyType.Ed25519, "p"));
        Assert.Throws<SigningException>(() => _store.Generate(".hidden", SigningKeyType.Ed25519, "p"));
    }

    [SkippableFact]
    public void List_ReturnsSortedPublicEntriesWithoutPassphrase()
    {
        _store.Generate("zed", SigningKeyType.Ed25519, "p");
        _store.Generate("alpha", SigningKeyType.EcdsaP256, "p");
        var list = _store.List();
        Assert.Equal(["alpha", "zed"], list.Select(e => e.Name));
        Assert.Contains("no key named", Assert.Throws<SigningException>(() => _store.Get("nobody")).Message);
    }

    [SkippableFact]
    public async Task Import_PythonTufKeystore_SameKeysAsPythonTufRoot()
    {
        Skip.If(SharedVectors.Directory is null, SharedVectors.MissingMessage);

        // python-tuf's key IDs were computed with keyid_hash_algorithms inside the key object, so compare the keys
        // themselves and check that our signatures verify under python-tuf's metadata keys.
        var root = MetadataParser.Parse<Root>(File.ReadAllBytes(SharedVectors.PathOf("python-tuf", "repository_data", "repository", "metadata", "1.root.json"))).Signed;
        foreach (var (name, role) in new[] { ("root_key", "root"), ("targets_key", "targets"), ("snapshot_key", "snapshot"), ("timestamp_key", "timestamp") })
        {
            var entry = _store.Import(name, File.ReadAllText(SharedVectors.PathOf("python-tuf", "repository_data", "keystore", name)), "p");
            var theirs = root.Keys[root.Roles[role].KeyIds[0]];
            Assert.Equal(theirs.KeyType, entry.PublicKey.KeyType);
            Assert.Equal(theirs.Scheme, entry.PublicKey.Scheme);
            string Normalize(Key k) => k.KeyType == "ed25519" ? k.Public : PublicKeys.FromPem(k.Public, name).Public;
            Assert.Equal(Normalize(theirs), Normalize(entry.PublicKey));

            var signer = _store.Unlock(name, "p");
            byte[] sig = await signer.SignAsync("x"u8.ToArray());
            Assert.True(theirs.Verify("x"u8, sig));
        }
    }

    [SkippableFact]
    public void Import_GoTufPkcs1RsaKey_MatchesItsPublicKeyFile()
    {
        Skip.If(SharedVectors.Directory is null, SharedVectors.MissingMessage);

        string dir = SharedVectors.PathOf("go-tuf", "v2-master", "repository_data", "keystore");
        var entry = _store.Import("go-root", File.ReadAllText(Path.Combine(dir, "root_key")), "p");
        var fromPub = PublicKeys.FromPem(File.ReadAllText(Path.Combine(dir, "root_key.pub")), "root_key.pub");
        Assert.Equal(entry.KeyId, fromPub.ComputeKeyId());
    }

    [SkippableFact]
    public void Import_NotAKey_Refused()
    {
        Assert.Throws<SigningException>(() => _store.Import("x", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "p"));
        Assert.Throws<SigningException>(() => _store.Import("x", "garbage", "p"));
        Assert.Empty(_store.List());
    }

    [SkippableTheory]
    [InlineData(SigningKeyType.Ed25519)]
    [InlineData(SigningKeyType.EcdsaP256)]
    [InlineData(SigningKeyType.Rsa3072)]
    public void ExportPublic_JsonAndPem_RoundTripToSameKeyId(SigningKeyType type)
    {
        var entry = _store.Generate("k", type, "p");
        string json = Path.Combine(_dir, "k.pub.json");
        string pem = Path.Combine(_dir, "k.pub.pem");
        File.WriteAllText(json, PublicKeys.ToJson(entry.PublicKey));
        File.WriteAllText(pem, PublicKeys.ToPem(entry.PublicKey));
        Assert.Equal(entry.KeyId, PublicKeys.Load(json).ComputeKeyId());
        Assert.Equal(entry.KeyId, PublicKeys.Load(pem).ComputeKeyId());
    }

    [SkippableFact]
    public void DefaultLimits_AreLibsodiumInteractive()
    {
        Assert.Equal(2UL, KdfLimits.Interactive.OpsLimit);
        Assert.Equal(64UL * 1024 * 1024, KdfLimits.Interactive.MemLimit);
    }
}

/// <summary>
/// Key files written before the crypto moved onto NSec and BouncyCastle (tests/Tuf.Signing.Tests/Fixtures/legacy-keystore,
/// made by <c>tuf key generate</c> at commit 'Swarm tests: a collection published...'): they must still open with
/// the same passphrase, and sign for the key they name.
/// </summary>
public sealed class LegacyKeyFileTests
{
    private const string Passphrase = "legacy key file passphrase";

    private static readonly string s_store = Path.Combine(AppContext.BaseDirectory, "Fixtures", "legacy-keystore");

    [Theory]
    [InlineData("legacy-ed25519", "e347168baf6f655d365ac951acde8be74dbdf015ad391b6a02c7c00ca5c34f32")]
    [InlineData("legacy-ecdsa", "4f31742f5fcf1d725af2924272cc06cb55a053433d8ed9e3fc1472ba2dc64c13")]
    [InlineData("legacy-rsa", "2661c525c53b425a77ce9b84d5dd5deead35adfbc34ca80e11a4c59c55981359")]
    public async Task Unlock_KeyFileWrittenBeforeTheChange_OpensAndSignsForItsKey(string name, string keyId)
    {
        var store = new KeyStore(s_store);
        var signer = store.Unlock(name, Passphrase);
        byte[] data = "signed by a key file from before"u8.ToArray();

        var signature = await signer.SignAsync(data, CancellationToken.None);

        Assert.Equal(keyId, signer.KeyId);
        Assert.Equal(keyId, signer.PublicKey.ComputeKeyId());
        Assert.True(signer.PublicKey.Verify(data, signature));
        Assert.Throws<SigningException>(() => store.Unlock(name, "wrong passphrase"));
        (signer as IDisposable)?.Dispose();
    }
}

/// <summary>The key file's Argon2id is libsodium's <c>crypto_pwhash</c> (one lane, memlimit in bytes, opslimit passes).</summary>
public sealed class KeyFileKdfTests
{
    [Fact]
    public void DeriveKeyBytes_KnownParameters_MatchesAnIndependentImplementation()
    {
        // Expected values computed with Python cryptography's Argon2id (lanes=1, version 0x13).
        var salt = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
        var key = new byte[32];
        KeyFile.DeriveKeyBytes("correct horse battery staple"u8, salt, new KdfLimits(3, 64 * 1024), key);
        Assert.Equal("bc240e180a205bd2e782cdc64983f247e76aeb8fb2133aec1570b70cccd68bff", Convert.ToHexStringLower(key));

        KeyFile.DeriveKeyBytes([], salt, KdfLimits.Minimum, key);
        Assert.Equal("31ed41e2d73f27fdfe4eb4bec651341e58ba43477051c6fe4adad735d82ee08a", Convert.ToHexStringLower(key));
    }
}

/// <summary>ML-DSA private keys in the key store: encrypted like the others, unlocked to sign for the same key.</summary>
public sealed class MLDsaKeyStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tuf-keystore-mldsa-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(SigningKeyType.MLDsa44, "ml-dsa-44/1")]
    [InlineData(SigningKeyType.MLDsa65, "ml-dsa-65/1")]
    [InlineData(SigningKeyType.MLDsa87, "ml-dsa-87/1")]
    public async Task GenerateThenUnlock_MLDsa_SignsForTheStoredPublicKey(SigningKeyType type, string scheme)
    {
        var store = new KeyStore(_dir) { Limits = KdfLimits.Minimum };
        var entry = store.Generate("pq", type, "passphrase");
        var signer = store.Unlock("pq", "passphrase");
        byte[] data = "signed"u8.ToArray();

        Assert.Equal(("ml-dsa", scheme), (entry.PublicKey.KeyType, entry.PublicKey.Scheme));
        Assert.Equal(entry.KeyId, signer.KeyId);
        byte[] signature = await signer.SignAsync(data);
        Assert.True(entry.PublicKey.Verify(data, signature));
        Assert.DoesNotContain("PRIVATE", File.ReadAllText(Path.Combine(_dir, "pq.key.json")), StringComparison.Ordinal);
        (signer as IDisposable)?.Dispose();
    }
}
