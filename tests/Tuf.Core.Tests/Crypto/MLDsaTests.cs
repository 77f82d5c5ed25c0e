using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Tuf.Core.Tests.Crypto;

/// <summary>TAP 21: ML-DSA keys and signatures (version 1), and every way a signature must be refused.</summary>
public sealed class MLDsaTests
{
    private static readonly byte[] s_data = "{\"_type\":\"targets\",\"version\":1}"u8.ToArray();

    public static TheoryData<string> Schemes => new() { "ml-dsa-44/1", "ml-dsa-65/1", "ml-dsa-87/1" };

    /// <summary>
    /// FIPS 204 key generation from a seed, against NIST's ACVP sample vectors (ML-DSA-keyGen, tcId 1 of each set; the
    /// file BouncyCastle's own tests read, bc-test-data pqc/crypto/mldsa/ML-DSA-keyGen.txt). The public keys are
    /// compared by SHA-256 of their FIPS 204 encoding (1,312 and 1,952 bytes).
    /// </summary>
    [Theory]
    [InlineData("ml-dsa-44/1", "61C5442C5C769EAC3021DCB9FFAB0D46223D456F0A72305E2F203DDD57BFFFCE", 1312, "e8d882bfde434eca468547dbd2d05fec84c0d65bdb2005b139386c47e563dfd1")]
    [InlineData("ml-dsa-65/1", "A30C1FB71307C921442B8095B1FA6FB56D418073FB96014EDDB94BE47F1C590B", 1952, "9ba0c17394d6d0280d64cfac7918a7a8d44056e8ca35d32df1abca01e930d140")]
    public void KeyGenFromSeed_AcvpKnownAnswers(string scheme, string seedHex, int publicKeyLength, string publicKeySha256)
    {
        using var key = SigningKey.FromMLDsaSeed(scheme, Convert.FromHexString(seedHex));
        var spki = (MLDsaPublicKeyParameters)PublicKeyFactory.CreateKey(PemToDer(key.PublicKey.Public));
        byte[] encoded = spki.GetEncoded();

        Assert.Equal(publicKeyLength, encoded.Length);
        Assert.Equal(publicKeySha256, Convert.ToHexStringLower(SHA256.HashData(encoded)));
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public void SignAndVerify_EachParameterSet_RoundTripsAndTheKeyIsPemSpki(string scheme)
    {
        using var key = SigningKey.GenerateMLDsa(scheme);
        byte[] signature = key.Sign(s_data);

        Assert.Equal("ml-dsa", key.PublicKey.KeyType);
        Assert.Equal(scheme, key.PublicKey.Scheme);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", key.PublicKey.Public, StringComparison.Ordinal);
        Assert.True(key.PublicKey.Verify(s_data, signature));
        Assert.False(key.PublicKey.Verify([.. s_data, 0], signature));
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public void ExportPkcs8_RoundTrips_SameKeyId(string scheme)
    {
        using var key = SigningKey.GenerateMLDsa(scheme);
        using var again = SigningKey.FromPkcs8(key.ExportPkcs8());

        Assert.Equal(key.KeyId, again.KeyId);
        Assert.True(key.PublicKey.Verify(s_data, again.Sign(s_data)));
    }

    [Fact]
    public void Verify_FlippedBit_Refused()
    {
        using var key = SigningKey.GenerateMLDsa("ml-dsa-65/1");
        byte[] signature = key.Sign(s_data);
        signature[100] ^= 0x04;

        Assert.False(key.PublicKey.Verify(s_data, signature));
    }

    [Fact]
    public void Verify_NonEmptyContext_Refused()
    {
        var (priv, key) = BcKey(MLDsaParameters.ml_dsa_65, "ml-dsa-65/1");
        var signer = new MLDsaSigner(MLDsaParameters.ml_dsa_65, deterministic: true);
        signer.Init(true, new ParametersWithContext(priv, "tuf"u8.ToArray()));
        byte[] message = MLDsaScheme.SignedMessage(s_data);
        signer.BlockUpdate(message, 0, message.Length);

        Assert.False(key.Verify(s_data, signer.GenerateSignature()));
        Assert.True(key.Verify(s_data, Sign(priv, message)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(0xff)]
    public void Verify_OtherVersionByte_Refused(byte version)
    {
        var (priv, key) = BcKey(MLDsaParameters.ml_dsa_44, "ml-dsa-44/1");
        byte[] message = MLDsaScheme.SignedMessage(s_data);
        message[3] = version;

        Assert.False(key.Verify(s_data, Sign(priv, message)));
    }

    [Fact]
    public void Verify_SignatureOverTheRawBytesOrTheBareDigest_Refused()
    {
        var (priv, key) = BcKey(MLDsaParameters.ml_dsa_44, "ml-dsa-44/1");

        Assert.False(key.Verify(s_data, Sign(priv, s_data)));
        Assert.False(key.Verify(s_data, Sign(priv, SHA512.HashData(s_data))));
    }

    [Fact]
    public void Verify_HashMLDsaSignature_Refused()
    {
        var (priv, key) = BcKey(MLDsaParameters.ml_dsa_65, "ml-dsa-65/1");
        var hashSigner = new HashMLDsaSigner(MLDsaParameters.ml_dsa_65_with_sha512, deterministic: true);
        var hashKey = MLDsaPrivateKeyParameters.FromSeed(MLDsaParameters.ml_dsa_65_with_sha512, priv.GetSeed());
        hashSigner.Init(true, hashKey);
        byte[] message = MLDsaScheme.SignedMessage(s_data);
        hashSigner.BlockUpdate(message, 0, message.Length);

        Assert.False(key.Verify(s_data, hashSigner.GenerateSignature()));
    }

    [Fact]
    public void Verifier_KeyOfAnotherParameterSetThanTheScheme_NotAKeyOfTheScheme()
    {
        using var key65 = SigningKey.GenerateMLDsa("ml-dsa-65/1");
        var mislabelled = new Key { KeyType = "ml-dsa", Scheme = "ml-dsa-44/1", Public = key65.PublicKey.Public };

        Assert.Null(mislabelled.GetVerifier());
        Assert.False(mislabelled.Verify(s_data, key65.Sign(s_data)));
        Assert.Null(new Key { KeyType = "ml-dsa", Scheme = "ml-dsa-65/2", Public = key65.PublicKey.Public }.GetVerifier());
        Assert.Null(new Key { KeyType = "ecdsa", Scheme = "ml-dsa-65/1", Public = key65.PublicKey.Public }.GetVerifier());
    }

    [Fact]
    public void Verify_WrongSignatureLength_Refused()
    {
        using var key = SigningKey.GenerateMLDsa("ml-dsa-44/1");
        byte[] signature = key.Sign(s_data);

        Assert.False(key.PublicKey.Verify(s_data, signature.AsSpan(0, signature.Length - 1)));
        Assert.False(key.PublicKey.Verify(s_data, [.. signature, 0]));
    }

    private static byte[] PemToDer(string pem)
    {
        var fields = PemEncoding.Find(pem);
        return Convert.FromBase64String(pem[fields.Base64Data]);
    }

    private static (MLDsaPrivateKeyParameters Private, Key Public) BcKey(MLDsaParameters parameters, string scheme)
    {
        var generator = new MLDsaKeyPairGenerator();
        generator.Init(new MLDsaKeyGenerationParameters(new SecureRandom(), parameters));
        var pair = generator.GenerateKeyPair();
        var spki = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(pair.Public).GetEncoded();
        var key = new Key { KeyType = "ml-dsa", Scheme = scheme, Public = PemEncoding.WriteString("PUBLIC KEY", spki) + "\n" };
        return ((MLDsaPrivateKeyParameters)pair.Private, key);
    }

    private static byte[] Sign(MLDsaPrivateKeyParameters key, byte[] message)
    {
        var signer = new MLDsaSigner(key.Parameters, deterministic: true);
        signer.Init(true, key);
        signer.BlockUpdate(message, 0, message.Length);
        return signer.GenerateSignature();
    }
}
