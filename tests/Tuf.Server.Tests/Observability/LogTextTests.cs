using Tuf.Server.Observability;

namespace Tuf.Server.Tests.Observability;

public sealed class LogTextTests
{
    [Theory]
    [InlineData("GET /a/timestamp.json?access_token=s3cr3t&x=1", "GET /a/timestamp.json?access_token=REDACTED&x=1")]
    [InlineData("/x?token=a&TOKEN=b&id_token=c", "/x?token=REDACTED&TOKEN=REDACTED&id_token=REDACTED")]
    [InlineData("/x?X-Amz-Signature=abc&X-Amz-Credential=d&v=2", "/x?X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED&v=2")]
    [InlineData("/x?api_key=1;password=2 and more", "/x?api_key=REDACTED;password=REDACTED and more")]
    [InlineData("/x?access%5Ftoken=1&%74oken=2", "/x?access%5Ftoken=REDACTED&%74oken=REDACTED")]
    [InlineData("/x?page=2&sort=name", "/x?page=2&sort=name")]
    [InlineData("a=b without a query", "a=b without a query")]
    public void Sanitize_CredentialQueryValues_Redacted(string text, string expected) => Assert.Equal(expected, LogText.Sanitize(text));

    [Theory]
    [InlineData("/a\n    forged line", "/a\\u000a    forged line")]
    [InlineData("/a\r\nx", "/a\\u000d\\u000ax")]
    [InlineData("/a\u001b[31mred", "/a\\u001b[31mred")]
    [InlineData("/a\u0000b\u2028c\u0085d", "/a\\u0000b\\u2028c\\u0085d")]
    [InlineData("plain ü 日本", "plain ü 日本")]
    public void Sanitize_ControlCharacters_Escaped(string text, string expected) => Assert.Equal(expected, LogText.Sanitize(text));
}
