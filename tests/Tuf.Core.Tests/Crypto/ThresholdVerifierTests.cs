using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Tuf.Core.Tests.Crypto;

public class ThresholdVerifierTests : IDisposable
{
    private static readonly byte[] s_data = "{\"signed\":true}"u8.ToArray();
    private readonly SigningKey[] _signers = [.. Enumerable.Range(0, 3).Select(i => SigningKey.GenerateEd25519FromSeed(SHA256.HashData(new[] { (byte)i })))];

    public void Dispose()
    {
        foreach (var s in _signers)
        {
            s.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    private Dictionary<string, Key> Keys() =>
        new(StringComparer.Ordinal) { ["id0"] = _signers[0].PublicKey, ["id1"] = _signers[1].PublicKey, ["id2"] = _signers[2].PublicKey };

    private static Role Role(int threshold, params string[] keyIds) => new() { KeyIds = [.. keyIds], Threshold = threshold };

    private Signature Sig(int signer, string? keyId = null) => new(keyId ?? "id" + signer, Convert.ToHexStringLower(_signers[signer].Sign(s_data)));

    [Fact]
    public void CountValid_EachAuthorizedKeySigned_CountsAll()
    {
        Assert.Equal(3, ThresholdVerifier.CountValid(s_data, [Sig(0), Sig(1), Sig(2)], Role(2, "id0", "id1", "id2"), Keys()));
    }

    [Fact]
    public void Verify_SameKeyIdListedTwice_IsRefusedNamingTheKeyId()
    {
        // The specification: "The keyid MUST be unique in the signatures array." A list built in code is refused too.
        var ex = Assert.Throws<DeserializationException>(() => ThresholdVerifier.Verify("snapshot", s_data, [Sig(0), Sig(0)], Role(1, "id0", "id1"), Keys()));
        Assert.Contains("id0", ex.Message);
        Assert.Contains("unique", ex.Message);

        // Counting (for status displays) still counts a key once.
        Assert.Equal(1, ThresholdVerifier.CountValid(s_data, [Sig(0), Sig(0)], Role(2, "id0", "id1"), Keys()));
    }

    [Fact]
    public void CountValid_InvalidThenValidEntryForOneKeyId_CountsOnce()
    {
        var bad = new Signature("id0", new string('0', 128));
        Assert.Equal(1, ThresholdVerifier.CountValid(s_data, [bad, Sig(0), Sig(0)], Role(1, "id0"), Keys()));
    }

    [Fact]
    public void CountValid_SameEd25519KeyUnderTwoKeyIds_CountsOnce()
    {
        var keys = Keys();
        keys["alias"] = new Key { KeyType = "ed25519", Scheme = "ed25519", Public = _signers[0].PublicKey.Public.ToUpperInvariant() };
        var role = Role(2, "id0", "alias");
        Assert.Equal(1, ThresholdVerifier.CountValid(s_data, [Sig(0), Sig(0, "alias")], role, keys));
        Assert.Throws<UnsignedMetadataException>(() => ThresholdVerifier.Verify("root", s_data, [Sig(0), Sig(0, "alias")], role, keys));
    }

    [Fact]
    public void CountValid_SameEcPointAsPemAndHexUnderTwoKeyIds_CountsOnce()
    {
        using var signer = SigningKey.GenerateEcdsaP256();
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(signer.PublicKey.Public);
        var q = ecdsa.ExportParameters(false).Q;
        var keys = new Dictionary<string, Key>(StringComparer.Ordinal)
        {
            ["pem"] = signer.PublicKey,
            ["hex"] = new Key { KeyType = "ecdsa-sha2-nistp256", Scheme = "ecdsa-sha2-nistp256", Public = "04" + Convert.ToHexStringLower(q.X!) + Convert.ToHexStringLower(q.Y!) },
        };
        var sig = Convert.ToHexStringLower(signer.Sign(s_data));
        Assert.Equal(1, ThresholdVerifier.CountValid(s_data, [new("pem", sig), new("hex", sig)], Role(1, "pem", "hex"), keys));
    }

    [Fact]
    public void CountValid_UnlistedOrUnknownKeyIds_AreSkipped()
    {
        var keys = Keys();
        Assert.Equal(1, ThresholdVerifier.CountValid(s_data, [Sig(0), Sig(1)], Role(1, "id0"), keys));
        keys.Remove("id1");
        Assert.Equal(1, ThresholdVerifier.CountValid(s_data, [Sig(0), Sig(1)], Role(1, "id0", "id1"), keys));
        Assert.Equal(0, ThresholdVerifier.CountValid(s_data, [Sig(0, "nobody")], Role(1, "id0"), keys));
    }

    [Theory]
    [InlineData("")]
    [InlineData("zz")]
    [InlineData("abc")]
    [InlineData("00")]
    public void CountValid_EmptyOrMalformedSignature_CountsAsInvalidAndKeepsCounting(string sig)
    {
        Assert.Equal(1, ThresholdVerifier.CountValid(s_data, [new("id0", sig), Sig(1)], Role(1, "id0", "id1"), Keys()));
    }

    [Fact]
    public void CountValid_OverlongSignatureHex_IsInvalid()
    {
        Assert.Equal(0, ThresholdVerifier.CountValid(s_data, [new("id0", new string('a', 20000))], Role(1, "id0"), Keys()));
    }

    [Fact]
    public void CountValid_UppercaseHexSignature_IsDecoded()
    {
        var sig = Sig(0);
        Assert.Equal(1, ThresholdVerifier.CountValid(s_data, [sig with { Sig = sig.Sig.ToUpperInvariant() }], Role(1, "id0"), Keys()));
    }

    [Fact]
    public void CountValid_KeyWithUnknownScheme_DoesNotCount()
    {
        var keys = Keys();
        keys["id0"].Scheme = "x-unknown";
        Assert.Equal(0, ThresholdVerifier.CountValid(s_data, [Sig(0)], Role(1, "id0"), keys));
    }

    [Fact]
    public void CountValid_SignatureOverOtherBytes_DoesNotCount()
    {
        Assert.Equal(0, ThresholdVerifier.CountValid("{\"signed\":false}"u8, [Sig(0)], Role(1, "id0"), Keys()));
    }

    [Fact]
    public void Verify_BelowThreshold_ThrowsUnsignedMetadataWithCounts()
    {
        var e = Assert.Throws<UnsignedMetadataException>(() =>
            ThresholdVerifier.Verify("targets", s_data, [Sig(0), new("id1", "")], Role(2, "id0", "id1", "id2"), Keys()));
        Assert.Equal("targets", e.Role);
        Assert.Equal(2, e.Threshold);
        Assert.Equal(1, e.ValidSignatures);
    }

    [Fact]
    public void Verify_ThresholdMet_DoesNotThrow()
    {
        ThresholdVerifier.Verify("root", s_data, [Sig(2), Sig(0), Sig(1)], Role(2, "id0", "id1", "id2"), Keys());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Verify_ThresholdBelowOne_Throws(int threshold)
    {
        Assert.Throws<UnsignedMetadataException>(() => ThresholdVerifier.Verify("root", s_data, [Sig(0)], Role(threshold, "id0"), Keys()));
    }

    [Property(MaxTest = 200)]
    public Property CountValid_OrderAndRepetitionOfSignatures_DoNotChangeTheCount()
    {
        var pool = new[] { Sig(0), Sig(1), Sig(2), new("id0", ""), new("id1", "00"), Sig(0, "stranger") };
        var keys = Keys();
        var role = Role(1, "id0", "id1", "id2");
        return Prop.ForAll(
            Gen.ArrayOf(Gen.Elements(pool)).ToArbitrary(),
            sigs =>
            {
                int expected = sigs.Where(s => s.KeyId.StartsWith("id", StringComparison.Ordinal) && s.Sig.Length == 128).Select(s => s.KeyId).Distinct().Count();
                return ThresholdVerifier.CountValid(s_data, sigs, role, keys) == expected
                    && ThresholdVerifier.CountValid(s_data, sigs.Reverse(), role, keys) == expected;
            });
    }
}
