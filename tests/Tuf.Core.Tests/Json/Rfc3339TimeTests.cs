namespace Tuf.Core.Tests.Json;

public class Rfc3339TimeTests
{
    [Theory]
    [InlineData("2030-01-01T00:00:00Z", "2030-01-01T00:00:00.0000000Z")]
    [InlineData("2021-12-18T13:28:12.99008-06:00", "2021-12-18T19:28:12.9900800Z")]
    [InlineData("2022-05-11T19:09:02.663975009Z", "2022-05-11T19:09:02.6639750Z")]
    [InlineData("2030-08-15T14:30:45.0000001Z", "2030-08-15T14:30:45.0000001Z")]
    [InlineData("2020-07-13T11:29:35.468905Z", "2020-07-13T11:29:35.4689050Z")]
    [InlineData("1970-01-01T00:00:00Z", "1970-01-01T00:00:00.0000000Z")]
    [InlineData("2016-03-14T17:59:45.123456789-05:00", "2016-03-14T22:59:45.1234567Z")]
    [InlineData("2024-02-29T23:59:59+23:59", "2024-02-29T00:00:59.0000000Z")]
    [InlineData("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.0000000Z")]
    public void TryParse_SpecAndRfc3339Forms_GivesUtcInstant(string text, string expectedUtc)
    {
        Assert.True(Rfc3339Time.TryParse(text, out var value));
        Assert.Equal(TimeSpan.Zero, value.Offset);
        Assert.Equal(expectedUtc, value.UtcDateTime.ToString("o", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("2030-01-01")]
    [InlineData("2030-01-01T00:00:00")]
    [InlineData("2030-01-01 00:00:00Z")]
    [InlineData("2030-01-01T00:00:00z")]
    [InlineData("2030-01-01T00:00:00.Z")]
    [InlineData("2030-01-01T00:00:00.1234567890Z")]
    [InlineData("2030-02-30T00:00:00Z")]
    [InlineData("2030-13-01T00:00:00Z")]
    [InlineData("2030-01-01T24:00:00Z")]
    [InlineData("2030-01-01T00:60:00Z")]
    [InlineData("2030-01-01T00:00:60Z")]
    [InlineData("2030-01-01T00:00:00+0100")]
    [InlineData("2030-01-01T00:00:00+24:00")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("0001-01-01T00:00:00+00:01")]
    [InlineData("9999-12-31T23:59:59-00:01")]
    [InlineData("+2030-01-01T00:00:00Z")]
    [InlineData("２０３０-01-01T00:00:00Z")]
    [InlineData("")]
    public void TryParse_OtherText_Fails(string text)
    {
        Assert.False(Rfc3339Time.TryParse(text, out _));
    }

    [Fact]
    public void Format_WritesSpecFormInUtc()
    {
        var value = new DateTimeOffset(2031, 2, 3, 4, 5, 6, 789, TimeSpan.FromHours(2));
        Assert.Equal("2031-02-03T02:05:06Z", Rfc3339Time.Format(value));
    }

    [Fact]
    public void Parse_ExpiresWithOffset_ComparedInUtc()
    {
        var data = MetadataSamples.Edit(MetadataSamples.Timestamp, d => MetadataSamples.Signed(d)["expires"] = "2030-01-01T01:00:00+02:00");
        var timestamp = MetadataParser.Parse<Timestamp>(data).Signed;
        Assert.Equal(new DateTimeOffset(2029, 12, 31, 23, 0, 0, TimeSpan.Zero), timestamp.Expires);
        Assert.False(timestamp.IsExpired(new DateTimeOffset(2029, 12, 31, 22, 59, 59, TimeSpan.Zero)));
        Assert.True(timestamp.IsExpired(new DateTimeOffset(2029, 12, 31, 23, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("2030-01-01")]
    [InlineData("tomorrow")]
    [InlineData("2030-01-01T00:00:00")]
    public void Parse_BadExpires_RejectedNamingTheField(string expires)
    {
        var data = MetadataSamples.Edit(MetadataSamples.Timestamp, d => MetadataSamples.Signed(d)["expires"] = expires);
        var ex = Assert.Throws<DeserializationException>(() => MetadataParser.Parse<Timestamp>(data, "timestamp.json"));
        Assert.StartsWith("timestamp.json: signed.expires: ", ex.Message, StringComparison.Ordinal);
    }
}
