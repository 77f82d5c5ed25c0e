using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Tuf.Core.Tests.Crypto;

public class DigestsTests
{
    private static readonly byte[] s_abc = "abc"u8.ToArray();

    // FIPS 180-2 "abc" test vectors.
    private const string AbcSha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private const string AbcSha384 = "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7";
    private const string AbcSha512 =
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";

    private static Dictionary<string, string> Hashes(params (string Alg, string Hex)[] entries)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (alg, hex) in entries)
        {
            hashes[alg] = hex; // a later entry replaces an earlier one
        }

        return hashes;
    }

    [Fact]
    public void Verify_MatchingLengthAndHashes_DoesNotThrow()
    {
        Digests.Verify(s_abc, 3, Hashes(("sha256", AbcSha256), ("sha384", AbcSha384), ("sha512", AbcSha512)), "abc");
        Digests.Verify(s_abc, null, Hashes(("sha256", AbcSha256.ToUpperInvariant())), "abc");
        Digests.Verify(s_abc, 3, null, "abc");
        Digests.Verify(s_abc, null, Hashes(), "abc");
    }

    [Fact]
    public void Verify_WrongLength_ThrowsLengthOrHashMismatch()
    {
        var e = Assert.Throws<LengthOrHashMismatchException>(() => Digests.Verify(s_abc, 4, Hashes(("sha256", AbcSha256)), "abc.txt"));
        Assert.Contains("abc.txt", e.Message, StringComparison.Ordinal);
        Assert.Contains("length", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sha256", "ca7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("sha256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015")]
    [InlineData("sha256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015adaa")]
    [InlineData("sha256", "zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("sha256", "")]
    [InlineData("sha512", AbcSha256)]
    [InlineData("md5", "900150983cd24fb0d6963f7d28e17f72")]
    [InlineData("SHA256", AbcSha256)]
    [InlineData("blake2b", "00")]
    public void Verify_WrongOrUnsupportedHash_ThrowsLengthOrHashMismatch(string algorithm, string hex)
    {
        Assert.Throws<LengthOrHashMismatchException>(() => Digests.Verify(s_abc, 3, Hashes(("sha256", AbcSha256), (algorithm, hex)), "abc"));
    }

    [Property(MaxTest = 200)]
    public Property StreamingVerifier_ChunkedInput_AcceptsExactlyTheSignedBytes() =>
        Prop.ForAll(
            ArbMap.Default.ArbFor<byte[]>(),
            ArbMap.Default.ArbFor<PositiveInt>(),
            (data, chunk) =>
            {
                var hashes = Hashes(("sha256", Convert.ToHexStringLower(SHA256.HashData(data))), ("sha512", Convert.ToHexString(SHA512.HashData(data))));
                using var verifier = new StreamingVerifier("data", data.Length, hashes);
                for (int i = 0; i < data.Length; i += chunk.Get)
                {
                    verifier.Append(data.AsSpan(i, Math.Min(chunk.Get, data.Length - i)));
                }

                verifier.Verify();
                return verifier.Length == data.Length;
            });

    [Fact]
    public void StreamingVerifier_Mismatches_ThrowLikeDigestsVerify()
    {
        Assert.Throws<LengthOrHashMismatchException>(() => new StreamingVerifier("abc", 3, Hashes(("md5", "900150983cd24fb0d6963f7d28e17f72"))));
        Assert.Throws<LengthOrHashMismatchException>(() => new StreamingVerifier("abc", 3, Hashes()));

        using var wrongHash = new StreamingVerifier("abc", 3, Hashes(("sha256", AbcSha256), ("sha512", AbcSha256)));
        wrongHash.Append(s_abc);
        Assert.Throws<LengthOrHashMismatchException>(wrongHash.Verify);

        using var short_ = new StreamingVerifier("abc", 4, Hashes(("sha256", AbcSha256)));
        short_.Append(s_abc);
        Assert.Contains("expected length 4, got 3", Assert.Throws<LengthOrHashMismatchException>(short_.Verify).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StreamingVerifier_BytesPastTheSignedLength_RefusedAsTheyArrive()
    {
        using var verifier = new StreamingVerifier("big.bin", 1000, Hashes(("sha256", AbcSha256)));
        verifier.Append(new byte[999]);

        var e = Assert.Throws<DownloadLengthExceededException>(() => verifier.Append(new byte[2]));

        Assert.Equal(1000, e.MaxLength);
        Assert.Equal(999, verifier.Length);
    }
}
