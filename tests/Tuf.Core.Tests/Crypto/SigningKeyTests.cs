using System.Security.Cryptography;
using System.Text.Json;
using Tuf.Testing;
using Xunit.Abstractions;

namespace Tuf.Core.Tests.Crypto;

public class SigningKeyTests
{
    private static readonly byte[] s_data = "payload"u8.ToArray();

    [SkippableFact]
    public void GenerateEd25519FromSeed_Rfc8032Seed_GivesRfcPublicKeyAndTufForm()
    {
        using var key = SigningKey.GenerateEd25519FromSeed(Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        var pub = key.PublicKey;
        Assert.Equal("ed25519", pub.KeyType);
        Assert.Equal("ed25519", pub.Scheme);
        Assert.Equal("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", pub.Public);
        Assert.Equal(64, key.Sign(s_data).Length);
    }

    [SkippableFact]
    public void PublicKey_EcdsaAndRsa_UseTufKeyTypesSchemesAndPem()
    {
        using var p256 = SigningKey.GenerateEcdsaP256();
        Assert.Equal(("ecdsa", "ecdsa-sha2-nistp256"), (p256.PublicKey.KeyType, p256.PublicKey.Scheme));
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----\n", p256.PublicKey.Public, StringComparison.Ordinal);
        Assert.EndsWith("-----END PUBLIC KEY-----\n", p256.PublicKey.Public, StringComparison.Ordinal);
        using var p384 = SigningKey.GenerateEcdsaP384();
        Assert.Equal(("ecdsa", "ecdsa-sha2-nistp384"), (p384.PublicKey.KeyType, p384.PublicKey.Scheme));
        using var rsa = TestKeys.Get("rsa-3072");
        Assert.Equal(("rsa", "rsassa-pss-sha256"), (rsa.PublicKey.KeyType, rsa.PublicKey.Scheme));
        Assert.Equal(384, rsa.Sign(s_data).Length);
    }

    [SkippableFact]
    public void Generate_EachKind_GivesDistinctWorkingKeys()
    {
        using var e1 = SigningKey.GenerateEd25519();
        using var e2 = SigningKey.GenerateEd25519();
        Assert.NotEqual(e1.PublicKey.Public, e2.PublicKey.Public);
        using var rsa = SigningKey.GenerateRsa3072();
        Assert.True(rsa.PublicKey.Verify(s_data, rsa.Sign(s_data)));
        using var imported = RSA.Create();
        imported.ImportFromPem(rsa.PublicKey.Public);
        Assert.Equal(3072, imported.KeySize);
    }

    [SkippableFact]
    public void KeyId_Ed25519_IsSha256OfTheCanonicalPublicKey()
    {
        using var key = SigningKey.GenerateEd25519FromSeed(new byte[32]);
        var canonical = "{\"keytype\":\"ed25519\",\"keyval\":{\"public\":\"" + key.PublicKey.Public + "\"},\"scheme\":\"ed25519\"}";
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(canonical))), key.KeyId);
    }

    [SkippableTheory]
    [MemberData(nameof(KeyVerifyTests.KeyKinds), MemberType = typeof(KeyVerifyTests))]
    public void KeyId_EachKind_EqualsThePublicKeysComputedId(string kind)
    {
        using var key = TestKeys.Get(kind);
        Assert.Equal(key.PublicKey.ComputeKeyId(), key.KeyId);
        Assert.Matches("^[0-9a-f]{64}$", key.KeyId);
    }

    [SkippableFact]
    public void Sign_Ecdsa_ProducesDerSignature()
    {
        using var key = SigningKey.GenerateEcdsaP256();
        var sig = key.Sign(s_data);
        Assert.Equal(0x30, sig[0]);
        Assert.InRange(sig.Length, 8, 72);
    }

    [SkippableFact]
    public void FromEcdsaPrivateScalar_SameScalar_SamePublicKey()
    {
        var d = SHA256.HashData("scalar"u8);
        using var a = SigningKey.FromEcdsaPrivateScalar(ECCurve.NamedCurves.nistP256, d);
        using var b = SigningKey.FromEcdsaPrivateScalar(ECCurve.NamedCurves.nistP256, d);
        Assert.Equal(a.PublicKey.Public, b.PublicKey.Public);
        Assert.True(b.PublicKey.Verify(s_data, a.Sign(s_data)));
        Assert.Throws<ArgumentException>(() => SigningKey.FromEcdsaPrivateScalar(ECCurve.NamedCurves.nistP256, new byte[32]));
    }

    [SkippableTheory]
    [MemberData(nameof(KeyVerifyTests.KeyKinds), MemberType = typeof(KeyVerifyTests))]
    public void ExportPkcs8_ThenImport_GivesTheSameKey(string kind)
    {
        using var key = TestKeys.Get(kind);
        using var fromDer = SigningKey.FromPkcs8(key.ExportPkcs8());
        using var fromPem = SigningKey.FromPkcs8Pem(key.ExportPkcs8Pem());
        Assert.Equal(key.PublicKey.Public, fromDer.PublicKey.Public);
        Assert.Equal(key.PublicKey.Public, fromPem.PublicKey.Public);
        Assert.True(key.PublicKey.Verify(s_data, fromPem.Sign(s_data)));
    }

    [SkippableFact]
    public void ExportPkcs8_Ed25519_IsTheRfc8410Encoding()
    {
        var seed = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        using var key = SigningKey.GenerateEd25519FromSeed(seed);
        var der = key.ExportPkcs8();
        Assert.Equal("302e020100300506032b657004220420" + Convert.ToHexStringLower(seed), Convert.ToHexStringLower(der));
    }

    [SkippableFact]
    public void Sign_AfterDispose_ThrowsObjectDisposed()
    {
        var key = SigningKey.GenerateEd25519();
        key.Dispose();
        key.Dispose();
        Assert.Throws<ObjectDisposedException>(() => key.Sign(s_data));
        Assert.Throws<ObjectDisposedException>(() => key.ExportPkcs8());
    }

    [SkippableTheory]
    [InlineData("")]
    [InlineData("not pem")]
    [InlineData("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n")]
    [InlineData("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMAA=\n-----END RSA PRIVATE KEY-----\n")]
    [InlineData("-----BEGIN EC PRIVATE KEY-----\nMAA=\n-----END EC PRIVATE KEY-----\n")]
    // X25519 (1.3.101.110) is not a signing key.
    [InlineData("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VuBCIEIJ12nHk+mGJcC5/tw3PzDZq9gDr6NW/b4ezXfx5dSgsM\n-----END PRIVATE KEY-----\n")]
    public void FromPkcs8Pem_MalformedOrUnsupported_ThrowsArgumentException(string pem)
    {
        Assert.ThrowsAny<ArgumentException>(() => SigningKey.FromPkcs8Pem(pem));
    }

    [SkippableFact]
    public void FromPkcs8Pem_PythonTufKeystore_MatchesKeysInRoot()
    {
        Skip.If(SharedVectors.Directory is null, SharedVectors.MissingMessage);

        var keystore = SharedVectors.PathOf("python-tuf", "repository_data", "keystore");
        using var root = JsonDocument.Parse(File.ReadAllBytes(SharedVectors.PathOf("python-tuf", "repository_data", "repository", "metadata", "1.root.json")));
        var signed = root.RootElement.GetProperty("signed");
        foreach (var role in new[] { "root", "snapshot", "targets", "timestamp" })
        {
            var keyId = signed.GetProperty("roles").GetProperty(role).GetProperty("keyids")[0].GetString()!;
            var listed = signed.GetProperty("keys").GetProperty(keyId);
            var listedKey = new Key
            {
                KeyType = listed.GetProperty("keytype").GetString()!,
                Scheme = listed.GetProperty("scheme").GetString()!,
                Public = listed.GetProperty("keyval").GetProperty("public").GetString()!,
            };

            var pem = File.ReadAllText(Path.Combine(keystore, role + "_key"));
            using var key = SigningKey.FromPkcs8Pem(pem);
            Assert.Equal(listedKey.KeyType, key.PublicKey.KeyType);
            Assert.Equal(listedKey.Scheme, key.PublicKey.Scheme);
            Assert.Equal(listedKey.GetVerifier()!.Identity, key.PublicKey.GetVerifier()!.Identity);
            Assert.True(listedKey.Verify(s_data, key.Sign(s_data)), role);

            // The Ed25519 PKCS#8 this library writes is byte-identical to securesystemslib's.
            if (key.KeyType == "ed25519")
            {
                Assert.Equal(pem.Trim(), key.ExportPkcs8Pem().Trim());
            }
        }
    }

    [SkippableFact]
    public void FromPkcs8Pem_GoTufTraditionalRsaKeys_MatchTheirPublicPem()
    {
        Skip.If(SharedVectors.Directory is null, SharedVectors.MissingMessage);

        var keystore = SharedVectors.PathOf("go-tuf", "v2-master", "repository_data", "keystore");
        foreach (var name in new[] { "root_key", "root_key2", "snapshot_key", "targets_key", "timestamp_key" })
        {
            using var key = SigningKey.FromPkcs8Pem(File.ReadAllText(Path.Combine(keystore, name)));
            var listed = new Key { KeyType = "rsa", Scheme = "rsassa-pss-sha256", Public = File.ReadAllText(Path.Combine(keystore, name + ".pub")) };
            Assert.Equal(listed.GetVerifier()!.Identity, key.PublicKey.GetVerifier()!.Identity);
            Assert.True(listed.Verify(s_data, key.Sign(s_data)), name);
        }
    }
}
