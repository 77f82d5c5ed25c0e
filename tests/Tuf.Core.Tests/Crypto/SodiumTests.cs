using System.Text;

namespace Tuf.Core.Tests.Crypto;

public class SodiumTests
{
    // RFC 8032 §7.1, TEST 1 (empty message).
    private const string Rfc8032Seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    private const string Rfc8032Public = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private const string Rfc8032Signature =
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

    [Fact]
    public void Ed25519SeedKeypair_Rfc8032Test1_MatchesPublicKeyAndSignature()
    {
        var pk = new byte[32];
        var sk = new byte[64];
        Sodium.Ed25519SeedKeypair(Convert.FromHexString(Rfc8032Seed), pk, sk);
        Assert.Equal(Rfc8032Public, Convert.ToHexStringLower(pk));

        var sig = new byte[64];
        Sodium.Ed25519Sign(sig, [], sk);
        Assert.Equal(Rfc8032Signature, Convert.ToHexStringLower(sig));
        Assert.True(Sodium.Ed25519Verify(sig, [], pk));
        Assert.False(Sodium.Ed25519Verify(sig, [0], pk));
    }

    [Theory]
    [InlineData(63, 32)]
    [InlineData(65, 32)]
    [InlineData(0, 32)]
    [InlineData(64, 31)]
    [InlineData(64, 0)]
    public void Ed25519Verify_WrongLengths_ReturnsFalse(int sigLength, int keyLength)
    {
        Assert.False(Sodium.Ed25519Verify(new byte[sigLength], "x"u8, new byte[keyLength]));
    }

    [Fact]
    public void Ed25519SeedKeypair_WrongSeedLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => Sodium.Ed25519SeedKeypair(new byte[31], new byte[32], new byte[64]));
    }

    [Fact]
    public void PwHashArgon2id_KnownParameters_MatchesIndependentImplementation()
    {
        // Expected values computed with Python cryptography's Argon2id (lanes=1, version 0x13), the same
        // function libsodium's crypto_pwhash runs for ALG_ARGON2ID13.
        var salt = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
        var key = new byte[32];
        Sodium.PwHashArgon2id(key, Encoding.UTF8.GetBytes("correct horse battery staple"), salt, opsLimit: 3, memLimit: 64 * 1024);
        Assert.Equal("bc240e180a205bd2e782cdc64983f247e76aeb8fb2133aec1570b70cccd68bff", Convert.ToHexStringLower(key));

        Sodium.PwHashArgon2id(key, [], salt, Sodium.PwHashOpsLimitMin, Sodium.PwHashMemLimitMin);
        Assert.Equal("31ed41e2d73f27fdfe4eb4bec651341e58ba43477051c6fe4adad735d82ee08a", Convert.ToHexStringLower(key));
    }

    [Fact]
    public void PwHashArgon2id_DifferentSalt_GivesDifferentKey()
    {
        var a = new byte[32];
        var b = new byte[32];
        Sodium.PwHashArgon2id(a, "pw"u8, new byte[16], 1, 64 * 1024);
        Sodium.PwHashArgon2id(b, "pw"u8, Enumerable.Repeat((byte)1, 16).ToArray(), 1, 64 * 1024);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void PwHashArgon2id_BadSaltLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => Sodium.PwHashArgon2id(new byte[32], "pw"u8, new byte[8], 1, 64 * 1024));
    }

    [Fact]
    public void PwHashArgon2id_OpsLimitZero_ThrowsInvalidOperation()
    {
        Assert.Throws<InvalidOperationException>(() => Sodium.PwHashArgon2id(new byte[32], "pw"u8, new byte[16], 0, 64 * 1024));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1000)]
    public void AeadEncrypt_ThenDecrypt_RoundTrips(int length)
    {
        var key = new byte[32];
        var nonce = new byte[24];
        Sodium.RandomBytes(key);
        Sodium.RandomBytes(nonce);
        var plaintext = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        var ciphertext = new byte[length + Sodium.AeadTagBytes];
        Sodium.AeadEncrypt(ciphertext, plaintext, "ad"u8, nonce, key);

        var decrypted = new byte[length];
        Assert.True(Sodium.AeadDecrypt(decrypted, ciphertext, "ad"u8, nonce, key));
        Assert.Equal(plaintext, decrypted);
    }

    [Fact]
    public void AeadDecrypt_TamperedCiphertextOrWrongInputs_ReturnsFalse()
    {
        var key = Enumerable.Repeat((byte)7, 32).ToArray();
        var nonce = Enumerable.Repeat((byte)9, 24).ToArray();
        var ciphertext = new byte[5 + Sodium.AeadTagBytes];
        Sodium.AeadEncrypt(ciphertext, "hello"u8, "ad"u8, nonce, key);
        var output = new byte[5];

        var tampered = (byte[])ciphertext.Clone();
        tampered[2] ^= 1;
        Assert.False(Sodium.AeadDecrypt(output, tampered, "ad"u8, nonce, key));
        Assert.False(Sodium.AeadDecrypt(output, ciphertext, "AD"u8, nonce, key));
        var otherKey = (byte[])key.Clone();
        otherKey[0] ^= 1;
        Assert.False(Sodium.AeadDecrypt(output, ciphertext, "ad"u8, nonce, otherKey));
        Assert.False(Sodium.AeadDecrypt([], new byte[10], "ad"u8, nonce, key));
        Assert.True(Sodium.AeadDecrypt(output, ciphertext, "ad"u8, nonce, key));
        Assert.Equal("hello"u8.ToArray(), output);
    }

    [Fact]
    public void RandomBytes_FillsBufferAndMemZeroClearsIt()
    {
        var buffer = new byte[64];
        Sodium.RandomBytes(buffer);
        Assert.Contains(buffer, b => b != 0);
        Sodium.MemZero(buffer);
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [Fact]
    public void IsAvailable_OnThisMachine_IsTrueAndMissingMessageNamesThePackage()
    {
        Assert.True(Sodium.IsAvailable);
        Assert.Contains("libsodium23", Sodium.MissingMessage, StringComparison.Ordinal);
    }
}
