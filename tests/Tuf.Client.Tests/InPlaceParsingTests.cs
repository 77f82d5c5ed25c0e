using System.Text;

namespace Tuf.Client.Tests;

/// <summary>
/// Core's in-place parsing (<c>MetadataParser.ParseInPlace</c>), which the client uses for the metadata it fetched or
/// read from its store: the same result and the same refusals as parsing a copy.
/// </summary>
public sealed class InPlaceParsingTests
{
    [Fact]
    public void ParseInPlace_LargeIndentedTargets_SameEnvelopeAsParse()
    {
        // Over 1 MiB of canonical bytes: the canonical form keeps its pooled buffer instead of being copied.
        var targets = new Targets { Version = 3, Expires = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) };
        for (int i = 0; i < 8000; i++)
        {
            targets.TargetFiles[$"dir{i % 10}/file-{i:00000}.bin"] = new TargetFile
            {
                Path = $"dir{i % 10}/file-{i:00000}.bin",
                Length = i,
                Hashes = { ["sha256"] = i.ToString("x64"), ["sha512"] = i.ToString("x128") },
            };
        }

        byte[] file = MetadataWriter.ToFileBytes(targets, [new Signature(new string('a', 64), "00")], MetadataFileFormat.Indented);

        var copied = MetadataParser.Parse<Targets>(file, "bins.json");
        var inPlace = MetadataParser.ParseInPlace<Targets>(file, "bins.json");

        Assert.True(inPlace.SignedBytes.Length > PooledBufferWriter.DetachThreshold);
        Assert.True(copied.SignedBytes.Span.SequenceEqual(inPlace.SignedBytes.Span));
        Assert.True(MetadataWriter.ToCanonicalBytes(targets).AsSpan().SequenceEqual(inPlace.SignedBytes.Span));
        Assert.Equal(8000, inPlace.Signed.TargetFiles.Count);
        Assert.Equal(7999.ToString("x128"), inPlace.Signed.TargetFiles["dir9/file-07999.bin"].Hashes["sha512"]);
    }

    [Theory]
    [InlineData("""{"signatures":[],"signed":{"_type":"targets","_type":"targets"}}""", "Duplicate")]
    [InlineData("""{"signatures":[],"signed":{"_type":"targets","spec_version":"1.0.31","version":1,"version":2,"expires":"2030-01-01T00:00:00Z","targets":{}}}""", "Duplicate")]
    [InlineData("""{"signatures":[], "signed": 1.5}""", "signed")]
    [InlineData("[]", "JSON object")]
    public void ParseInPlace_BadInput_RefusedLikeParse(string json, string expected)
    {
        byte[] data = Encoding.UTF8.GetBytes(json);
        var copied = Assert.Throws<DeserializationException>(() => MetadataParser.Parse<Targets>(data, "t.json"));
        var inPlace = Assert.Throws<DeserializationException>(() => MetadataParser.ParseInPlace<Targets>(data, "t.json"));
        Assert.Equal(copied.Message, inPlace.Message);
        Assert.Contains(expected, inPlace.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseInPlace_InvalidUtf8_Refused()
    {
        byte[] data = [.. """{"signatures":[],"signed":{"_type":"targets","x":" """u8, 0xC3, 0x28, .. "\"}}"u8];
        var error = Assert.Throws<DeserializationException>(() => MetadataParser.ParseInPlace<Targets>(data, "t.json"));
        Assert.Contains("not valid UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Detach_SmallOutputCopied_LargeOutputKeepsTheBuffer()
    {
        using var small = new PooledBufferWriter(16);
        small.Write("abc"u8);
        var smallBytes = small.Detach();
        Assert.Equal("abc"u8.ToArray(), smallBytes.ToArray());
        Assert.Equal(0, small.WrittenCount);

        using var large = new PooledBufferWriter(PooledBufferWriter.DetachThreshold + 10);
        var payload = new byte[PooledBufferWriter.DetachThreshold + 5];
        Random.Shared.NextBytes(payload);
        large.Write(payload);
        var largeBytes = large.Detach();
        Assert.True(payload.AsSpan().SequenceEqual(largeBytes.Span));
        Assert.Equal(0, large.WrittenCount);
        large.Write("more"u8); // the writer is usable (empty) afterwards; the detached bytes stay intact
        Assert.True(payload.AsSpan().SequenceEqual(largeBytes.Span));
    }
}
