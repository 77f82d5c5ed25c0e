namespace Tuf.Core.Tests.Metadata;

public sealed class TargetPathRuleTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("a/b/c.tar.gz")]
    [InlineData("a..b")]
    [InlineData("dir/..hidden")]
    [InlineData(".config/x")]
    [InlineData("a b/ü/日本")]
    [InlineData("v1:2")]
    [InlineData("example.com/app:1.2")]
    public void Problem_RelativeSlashSeparatedPath_None(string path) => Assert.Null(TargetPathRule.Problem(path));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("/tmp/x", "relative")]
    [InlineData("C:x", "relative")]
    [InlineData("c:/x", "relative")]
    [InlineData("..\\x", "backslashes")]
    [InlineData("a\u0000b", "control")]
    [InlineData("a\rb", "control")]
    [InlineData("a\u001bb", "control")]
    [InlineData("a\u2028b", "control")]
    [InlineData("a//b", "segments")]
    [InlineData("a/", "segments")]
    [InlineData(".", "segments")]
    [InlineData("./a", "segments")]
    [InlineData("a/./b", "segments")]
    [InlineData("..", "segments")]
    [InlineData("../../../../tmp/x", "segments")]
    [InlineData("a/..", "segments")]
    public void Problem_UnsafePath_NamesTheRule(string path, string word) =>
        Assert.Contains(word, TargetPathRule.Problem(path), StringComparison.Ordinal);
}
