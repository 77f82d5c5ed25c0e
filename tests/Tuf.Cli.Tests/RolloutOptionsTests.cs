using Tuf.Cli.Commands;

namespace Tuf.Cli.Tests;

public class RolloutOptionsTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("10s", 10_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("3", 3_000)]
    [InlineData("0", 0)]
    public void ParseDuration_DockerStyle_Parsed(string text, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), RolloutOptions.ParseDuration(text, "--delay"));

    [Theory]
    [InlineData("")]
    [InlineData("-1s")]
    [InlineData("10 s")]
    [InlineData("ten")]
    [InlineData("1d")]
    public void ParseDuration_Invalid_UsageErrorNamingTheOption(string text)
    {
        var ex = Assert.Throws<UsageException>(() => RolloutOptions.ParseDuration(text, "--delay"));
        Assert.Contains("--delay", ex.Message);
    }
}
