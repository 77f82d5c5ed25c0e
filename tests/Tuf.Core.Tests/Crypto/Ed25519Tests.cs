namespace Tuf.Core.Tests.Crypto;

/// <summary>Ed25519 through NSec: the RFC 8032 vectors, and refusals of malformed inputs.</summary>
public class Ed25519Tests
{
    // RFC 8032 §7.1, TEST 1 (empty message) and TEST 2 (one byte).
    [Theory]
    [InlineData("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")]
    [InlineData("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")]
    public void SignAndVerify_Rfc8032Vectors(string seedHex, string publicHex, string messageHex, string signatureHex)
    {
        using var key = SigningKey.GenerateEd25519FromSeed(Convert.FromHexString(seedHex));
        byte[] message = Convert.FromHexString(messageHex);

        Assert.Equal(publicHex, key.PublicKey.Public);
        Assert.Equal(signatureHex, Convert.ToHexStringLower(key.Sign(message)));
        Assert.True(key.PublicKey.Verify(message, Convert.FromHexString(signatureHex)));
        Assert.False(key.PublicKey.Verify([.. message, 0], Convert.FromHexString(signatureHex)));
    }

    [Theory]
    [InlineData(63)]
    [InlineData(65)]
    [InlineData(0)]
    public void Verify_WrongSignatureLength_False(int length)
    {
        using var key = SigningKey.GenerateEd25519();
        Assert.False(key.PublicKey.Verify("x"u8, new byte[length]));
    }

    [Theory]
    [InlineData("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f70751")]   // 31 bytes
    [InlineData("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a00")] // 33 bytes
    [InlineData("zz5a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")]   // not hex
    public void Verifier_MalformedPublicKey_None(string publicHex)
    {
        var key = new Key { KeyType = "ed25519", Scheme = "ed25519", Public = publicHex };
        Assert.Null(key.GetVerifier());
    }

    [Fact]
    public void FromSeed_WrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => SigningKey.GenerateEd25519FromSeed(new byte[31]));
    }

    [Fact]
    public void ExportPkcs8_RoundTripsTheSeed()
    {
        using var key = SigningKey.GenerateEd25519();
        byte[] der = key.ExportPkcs8();
        using var again = SigningKey.FromPkcs8(der);

        Assert.Equal(key.PublicKey.Public, again.PublicKey.Public);
        Assert.Equal(48, der.Length);
    }
}
