using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Tuf.Core.Tests.Crypto;

public class KeyVerifyTests
{
    private static readonly byte[] s_data = "{\"_type\":\"test\"}"u8.ToArray();

    public static TheoryData<string> KeyKinds() => TestKeys.Kinds();

    [Theory]
    [MemberData(nameof(KeyKinds))]
    public void Verify_SignatureFromMatchingSigningKey_ReturnsTrue(string kind)
    {
        using var signer = TestKeys.Get(kind);
        var sig = signer.Sign(s_data);
        Assert.True(signer.PublicKey.Verify(s_data, sig));
    }

    [Theory]
    [MemberData(nameof(KeyKinds))]
    public void Verify_AlteredDataOrSignatureOrOtherKey_ReturnsFalse(string kind)
    {
        using var signer = TestKeys.Get(kind);
        using var other = TestKeys.Get(kind, 1);
        var sig = signer.Sign(s_data);
        var key = signer.PublicKey;

        var data2 = (byte[])s_data.Clone();
        data2[0] ^= 1;
        Assert.False(key.Verify(data2, sig));
        var sig2 = (byte[])sig.Clone();
        sig2[^1] ^= 1;
        Assert.False(key.Verify(s_data, sig2));
        Assert.False(key.Verify(s_data, sig.AsSpan(0, sig.Length - 1)));
        Assert.False(key.Verify(s_data, []));
        Assert.False(other.PublicKey.Verify(s_data, sig));
    }

    [Fact]
    public void Verify_KeyPropertiesChangedAfterUse_UsesTheNewValue()
    {
        using var a = SigningKey.GenerateEd25519();
        using var b = SigningKey.GenerateEd25519();
        var sig = a.Sign(s_data);
        var key = a.PublicKey;
        Assert.True(key.Verify(s_data, sig));

        key.Public = b.PublicKey.Public;
        Assert.False(key.Verify(s_data, sig));
        key.Public = a.PublicKey.Public;
        Assert.True(key.Verify(s_data, sig));
        key.Scheme = "ecdsa-sha2-nistp256";
        Assert.False(key.Verify(s_data, sig));
    }

    [Theory]
    [InlineData("ed25519", "ed25519", "")]
    [InlineData("ed25519", "ed25519", "not hex at all")]
    [InlineData("ecdsa", "ecdsa-sha2-nistp256", "-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----\n")]
    [InlineData("ecdsa", "ecdsa-sha2-nistp256", "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n")]
    [InlineData("ecdsa", "ecdsa-sha2-nistp256", "04")]
    [InlineData("rsa", "rsassa-pss-sha256", "-----BEGIN PUBLIC KEY-----\nMAA=\n-----END PUBLIC KEY-----\n")]
    [InlineData("rsa", "rsassa-pss-sha256", "")]
    [InlineData("rsa", "rsa-pkcs1v15-sha256", "")]
    [InlineData("", "", "")]
    public void Verify_MalformedKeys_ReturnsFalse(string keyType, string scheme, string publicValue)
    {
        var key = new Key { KeyType = keyType, Scheme = scheme, Public = publicValue };
        Assert.False(key.Verify(s_data, new byte[64]));
        Assert.Null(key.GetVerifier());
    }

    [Fact]
    public void Verify_RsaKeyTooSmall_ReturnsFalse()
    {
        using var rsa = RSA.Create(768);
        var key = new Key { KeyType = "rsa", Scheme = "rsassa-pss-sha256", Public = rsa.ExportSubjectPublicKeyInfoPem() };
        Assert.False(key.Verify(s_data, rsa.SignData(s_data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)));
    }

    [Theory]
    [InlineData("rsassa-pss-sha384", "SHA384")]
    [InlineData("rsassa-pss-sha512", "SHA512")]
    public void Verify_RsaPssWithOtherHashes_Verifies(string scheme, string hash)
    {
        using var rsa = RSA.Create(2048);
        var key = new Key { KeyType = "rsa", Scheme = scheme, Public = rsa.ExportSubjectPublicKeyInfoPem() };
        var name = new HashAlgorithmName(hash);
        Assert.True(key.Verify(s_data, rsa.SignData(s_data, name, RSASignaturePadding.Pss)));
        Assert.False(key.Verify(s_data, rsa.SignData(s_data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)));
    }

    [Fact]
    public void GetVerifier_SameEcPointAsPemAndHex_HasSameIdentity()
    {
        using var signer = SigningKey.GenerateEcdsaP256();
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(signer.PublicKey.Public);
        var q = ecdsa.ExportParameters(false).Q;
        var hex = new Key { KeyType = "ecdsa-sha2-nistp256", Scheme = "ecdsa-sha2-nistp256", Public = "04" + Convert.ToHexString(q.X!) + Convert.ToHexString(q.Y!) };
        Assert.Equal(signer.PublicKey.GetVerifier()!.Identity, hex.GetVerifier()!.Identity);
        Assert.True(hex.Verify(s_data, signer.Sign(s_data)));
    }

    [Property(MaxTest = 300)]
    public Property Verify_ArbitraryKeysAndSignatures_NeverThrows()
    {
        string[] keyTypes = ["ed25519", "ecdsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "rsa", "x"];
        string[] schemes = ["ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "rsassa-pss-sha256", "rsassa-pss-sha512", "x"];
        var publics = Gen.OneOf(
            ArbMap.Default.GeneratorFor<string>().Where(s => s is not null),
            ArbMap.Default.GeneratorFor<byte[]>().Select(b => Convert.ToHexString(b)),
            ArbMap.Default.GeneratorFor<byte[]>().Select(b => "-----BEGIN PUBLIC KEY-----\n" + Convert.ToBase64String(b) + "\n-----END PUBLIC KEY-----\n"),
            ArbMap.Default.GeneratorFor<byte[]>().Select(b => "04" + Convert.ToHexString(b)));
        var cases =
            from kt in Gen.Elements(keyTypes)
            from sc in Gen.Elements(schemes)
            from pub in publics
            from sig in ArbMap.Default.GeneratorFor<byte[]>()
            select (kt, sc, pub, sig);
        return Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var key = new Key { KeyType = c.kt, Scheme = c.sc, Public = c.pub };
            return !key.Verify(s_data, c.sig);
        });
    }

    [Theory]
    [MemberData(nameof(KeyKinds))]
    public void Verify_ConcurrentCallsOnOneKey_AllSucceed(string kind)
    {
        using var signer = TestKeys.Get(kind);
        var sig = signer.Sign(s_data);
        var key = signer.PublicKey;
        int valid = 0;
        Parallel.For(0, 64, _ =>
        {
            if (key.Verify(s_data, sig))
            {
                Interlocked.Increment(ref valid);
            }
        });
        Assert.Equal(64, valid);
    }
}
