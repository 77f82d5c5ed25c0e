using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Tuf.Core.Tests.Crypto;

/// <summary>rsassa-pss-sha256 accepts any salt length (securesystemslib PSS.AUTO), as signers have used several.</summary>
public sealed class RsaPssSaltLengthTests : IDisposable
{
    private static readonly byte[] s_data = "canonical signed bytes"u8.ToArray();
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly Key _key;

    public RsaPssSaltLengthTests() =>
        _key = new Key { KeyType = "rsa", Scheme = "rsassa-pss-sha256", Public = _rsa.ExportSubjectPublicKeyInfoPem() + "\n" };

    public void Dispose() => _rsa.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    [InlineData(32)] // the digest length: .NET's own fast path
    [InlineData(64)]
    [InlineData(2048 / 8 - 32 - 2)] // the maximum (go-tuf)
    public void Verify_AnySaltLength_Accepted(int saltLength)
    {
        byte[] signature = SignPss(saltLength);

        Assert.True(_key.Verify(s_data, signature));
        Assert.False(_key.Verify([.. s_data, 0], signature));
        signature[^1] ^= 1;
        Assert.False(_key.Verify(s_data, signature));
    }

    [Fact]
    public void Verify_Pkcs1V15Signature_Refused()
    {
        Assert.False(_key.Verify(s_data, _rsa.SignData(s_data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
    }

    [Fact]
    public void Verify_ShortOrZeroSignature_Refused()
    {
        Assert.False(_key.Verify(s_data, new byte[256]));
        Assert.False(_key.Verify(s_data, new byte[255]));
    }

    private byte[] SignPss(int saltLength)
    {
        var p = _rsa.ExportParameters(true);
        var key = new RsaPrivateCrtKeyParameters(
            new BcBigInteger(1, p.Modulus), new BcBigInteger(1, p.Exponent), new BcBigInteger(1, p.D), new BcBigInteger(1, p.P),
            new BcBigInteger(1, p.Q), new BcBigInteger(1, p.DP), new BcBigInteger(1, p.DQ), new BcBigInteger(1, p.InverseQ));
        var signer = new PssSigner(new RsaEngine(), new Sha256Digest(), saltLength);
        signer.Init(true, key);
        signer.BlockUpdate(s_data, 0, s_data.Length);
        return signer.GenerateSignature();
    }
}
