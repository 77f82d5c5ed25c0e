using System.Text;
using System.Text.Json;

namespace Tuf.Core.Tests.Json;

public class CanonicalJsonTests
{
    private static string Canon(string json) => Encoding.UTF8.GetString(CanonicalJson.Encode(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("{\"\\uffff\":1,\"\\ud83d\\ude00\":2,\"\\ue000\":3}", "{\"\ue000\":3,\"\uffff\":1,\"\ud83d\ude00\":2}")]
    [InlineData("{\"b\":{\"d\":[3,{\"z\":1,\"y\":2}],\"c\":true},\"a\":null}", "{\"a\":null,\"b\":{\"c\":true,\"d\":[3,{\"y\":2,\"z\":1}]}}")]
    [InlineData("\"\\u0022\\u005c\"", "\"\\\"\\\\\"")]
    [InlineData("\"\\u00e9\\n\\/\"", "\"é\n/\"")]
    [InlineData("[-0, 0, -12, 123456789012345678901234567890]", "[0,0,-12,123456789012345678901234567890]")]
    [InlineData("{\"a\\u0062\":1,\"ab\\\"\":2}", "{\"ab\":1,\"ab\\\"\":2}")]
    public void Encode_Input_GivesCanonicalText(string input, string expected)
    {
        Assert.Equal(expected, Canon(input));
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("-1.5e3")]
    [InlineData("1E2")]
    [InlineData("{\"a\":[1,{\"b\":0.5}]}")]
    [InlineData("{\"a\":1,\"a\":1}")]
    [InlineData("{\"a\":1,\"\\u0061\":1}")]
    [InlineData("\"\\udc00\"")]
    [InlineData("\"\\ud800x\"")]
    [InlineData("{\"\\ud800\":1}")]
    [InlineData("[1,]")]
    [InlineData("{\"a\":1,}")]
    [InlineData("// c\n1")]
    [InlineData("NaN")]
    [InlineData("")]
    [InlineData("1 2")]
    [InlineData("'a'")]
    public void Encode_InvalidInput_ThrowsDeserializationException(string input)
    {
        Assert.Throws<DeserializationException>(() => CanonicalJson.Encode(Encoding.UTF8.GetBytes(input)));
    }

    [Fact]
    public void Encode_InvalidUtf8_ThrowsDeserializationException()
    {
        Assert.Throws<DeserializationException>(() => CanonicalJson.Encode([(byte)'"', 0xC3, 0x28, (byte)'"']));
        Assert.Throws<DeserializationException>(() => CanonicalJson.Encode([(byte)'"', 0xED, 0xA0, 0x80, (byte)'"'])); // CESU surrogate
    }

    [Fact]
    public void Encode_RawControlAndLineSeparator_WrittenRaw()
    {
        byte[] actual = CanonicalJson.Encode(Encoding.UTF8.GetBytes("[\"\\u0001\\u007f\\u2028\"]"));
        Assert.Equal([(byte)'[', (byte)'"', 0x01, 0x7F, 0xE2, 0x80, 0xA8, (byte)'"', (byte)']'], actual);
    }

    [Fact]
    public void Encode_Float_MessageNamesThePath()
    {
        var ex = Assert.Throws<DeserializationException>(() => CanonicalJson.Encode("{\"a\":{\"b\":[1,2.5]}}"u8));
        Assert.Contains(".a.b[1]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("float", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_DepthBomb_ThrowsDeserializationException()
    {
        string bomb = new string('[', 10_000) + new string(']', 10_000);
        Assert.Throws<DeserializationException>(() => CanonicalJson.Encode(Encoding.UTF8.GetBytes(bomb)));
    }

    [Fact]
    public void Encode_ElementFromLenientDocumentWithDuplicates_ThrowsDeserializationException()
    {
        using var doc = JsonDocument.Parse("{\"b\":1,\"a\":2,\"b\":3}");
        Assert.Throws<DeserializationException>(() => CanonicalJson.Encode(doc.RootElement));
    }

    [Fact]
    public void Write_Failure_LeavesCallerWriterUntouched()
    {
        using var doc = JsonDocument.Parse("[1, 2, 3.5]");
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        Assert.Throws<DeserializationException>(() => CanonicalJson.Write(doc.RootElement, writer));
        Assert.Equal(0, writer.WrittenCount);
    }

    [Fact]
    public void CompareCodePoints_AstralAfterPrivateUse_UnlikeCompareOrdinal()
    {
        string astral = "\ud83d\ude00";
        string privateUse = "\ue000";
        Assert.True(string.CompareOrdinal(astral, privateUse) < 0);
        Assert.True(JsonText.CompareCodePoints(astral, privateUse) > 0);
        Assert.True(JsonText.CompareCodePoints("a", "ab") < 0);
        Assert.Equal(0, JsonText.CompareCodePoints("x", "x"));
    }
}
