using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;

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

    [Fact]
    public void MultiHasher_ChunkedInput_MatchesOneShotDigests()
    {
        var prop = Prop.ForAll(
            ArbMap.Default.ArbFor<byte[]>(),
            ArbMap.Default.ArbFor<PositiveInt>(),
            (data, chunk) =>
            {
                using var hasher = new MultiHasher(["sha256", "sha512"]);
                for (int i = 0; i < data.Length; i += chunk.Get)
                {
                    hasher.Append(data.AsSpan(i, Math.Min(chunk.Get, data.Length - i)));
                }

                var digests = hasher.GetDigests();
                hasher.Verify(data.Length, Hashes(("sha256", Convert.ToHexStringLower(SHA256.HashData(data))), ("sha512", Convert.ToHexString(SHA512.HashData(data)))), "data");
                return hasher.Length == data.Length
                    && digests["sha256"].AsSpan().SequenceEqual(SHA256.HashData(data))
                    && digests["sha512"].AsSpan().SequenceEqual(SHA512.HashData(data));
            });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), prop);
    }

    [Fact]
    public void MultiHasher_Mismatches_ThrowLikeDigestsVerify()
    {
        using var hasher = new MultiHasher(["sha256", "md5"]);
        hasher.Append(s_abc);
        hasher.Verify(3, Hashes(("sha256", AbcSha256)), "abc");
        Assert.Throws<LengthOrHashMismatchException>(() => hasher.Verify(2, Hashes(("sha256", AbcSha256)), "abc"));
        Assert.Throws<LengthOrHashMismatchException>(() => hasher.Verify(3, Hashes(("sha256", AbcSha512)), "abc"));
        Assert.Throws<LengthOrHashMismatchException>(() => hasher.Verify(3, Hashes(("md5", "900150983cd24fb0d6963f7d28e17f72")), "abc"));
        Assert.Throws<InvalidOperationException>(() => hasher.Verify(3, Hashes(("sha512", AbcSha512)), "abc"));
        Assert.Throws<InvalidOperationException>(() => hasher.Append(s_abc));
    }

    [Fact]
    public async Task HashStreamAsync_WithinLimit_ReturnsDigestsAndLength()
    {
        var data = RandomNumberGenerator.GetBytes(1_000_003);
        using var hasher = await Digests.HashStreamAsync(new MemoryStream(data), data.Length, ["sha256", "sha512"], "big.bin");
        Assert.Equal(data.Length, hasher.Length);
        hasher.Verify(data.Length, Hashes(("sha256", Convert.ToHexStringLower(SHA256.HashData(data))), ("sha512", Convert.ToHexStringLower(SHA512.HashData(data)))), "big.bin");
    }

    [Fact]
    public async Task HashStreamAsync_OverLimit_ThrowsDownloadLengthExceeded()
    {
        var stream = new CountingStream(new MemoryStream(new byte[10_000_000]));
        var e = await Assert.ThrowsAsync<DownloadLengthExceededException>(() => Digests.HashStreamAsync(stream, 1000, ["sha256"], "big.bin"));
        Assert.Equal(1000, e.MaxLength);
        Assert.True(stream.BytesRead <= 1001, "read past the limit: " + stream.BytesRead);
    }

    [Fact]
    public async Task HashStreamAsync_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Digests.HashStreamAsync(new MemoryStream(new byte[10]), 100, ["sha256"], "x", cts.Token));
    }

    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = inner.Read(buffer, offset, count);
            BytesRead += n;
            return n;
        }

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
