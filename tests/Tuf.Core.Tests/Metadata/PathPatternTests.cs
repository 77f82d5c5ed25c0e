namespace Tuf.Core.Tests.Metadata;

public class PathPatternTests
{
    [Theory]
    [InlineData("targets/foo.tgz", "targets/*.tgz", true)]
    [InlineData("targets/foo/bar.tgz", "targets/*.tgz", false)]
    [InlineData("foo", "*", true)]
    [InlineData("foo/bar", "*", false)]
    [InlineData("foo/bar", "*/*", true)]
    [InlineData("foo-version-1.tgz", "foo-version-?.tgz", true)]
    [InlineData("foo-version-alpha.tgz", "foo-version-?.tgz", false)]
    [InlineData("registry.npmjs.org/pkg.json", "registry.npmjs.org/*", true)]
    [InlineData("registry.npmjs.org/a/b", "registry.npmjs.org/*", false)]
    [InlineData("file3.txt", "file[0-9].txt", true)]
    [InlineData("filex.txt", "file[!0-9].txt", true)]
    [InlineData("file3.txt", "file[!0-9].txt", false)]
    [InlineData("file[.txt", "file[.txt", true)]
    [InlineData("abc", "a*c*", true)]
    [InlineData("", "", true)]
    [InlineData("a", "", false)]
    public void IsMatch_ShellPattern_MatchesPerSegment(string path, string pattern, bool expected)
    {
        Assert.Equal(expected, PathPattern.IsMatch(path, pattern));
    }

    [Fact]
    public void SegmentMatch_ManyStars_StaysFast()
    {
        // Backtracking over a long text with many stars must not blow up (no exponential recursion).
        string text = new string('a', 10_000);
        string pattern = string.Concat(Enumerable.Repeat("*a", 50)) + "b";
        Assert.False(PathPattern.SegmentMatch(text, pattern));
    }

    [Fact]
    public void IsDelegatedPath_PathsAndHashPrefixes()
    {
        var byPath = new DelegatedRole { Name = "r", Paths = ["dir/*", "file3.txt"] };
        Assert.True(byPath.IsDelegatedPath("dir/x"));
        Assert.True(byPath.IsDelegatedPath("file3.txt"));
        Assert.False(byPath.IsDelegatedPath("dir/x/y"));

        // sha256("foo") = 2c26b46b...
        var byPrefix = new DelegatedRole { Name = "r", PathHashPrefixes = ["00", "2c2"] };
        Assert.True(byPrefix.IsDelegatedPath("foo"));
        Assert.False(byPrefix.IsDelegatedPath("a/b/c.txt"));

        var neither = new DelegatedRole { Name = "r" };
        Assert.False(neither.IsDelegatedPath("foo"));
    }
}
