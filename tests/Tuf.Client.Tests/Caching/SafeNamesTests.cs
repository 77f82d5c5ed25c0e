using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Tuf.Client.Tests.Caching;

public sealed class SafeNamesTests
{
    [Theory]
    [InlineData("targets", "targets")]
    [InlineData("a/b", "a%2Fb")]
    [InlineData("..", "..")]
    [InlineData("ö", "%C3%B6")]
    [InlineData("🍺/30", "%F0%9F%8D%BA%2F30")]
    [InlineData("a b?#%", "a%20b%3F%23%25")]
    [InlineData("-._~", "-._~")]
    public void Quote_MatchesPythonQuoteWithNoSafeCharacters(string name, string expected)
    {
        Assert.Equal(expected, SafeNames.Quote(name));
    }

    [Theory]
    [InlineData("root", "root.json")]
    [InlineData("..", "...json")]
    [InlineData(".", "..json")]
    [InlineData("../a", "..%2Fa.json")]
    public void MetadataFileName_MatchesPythonTuf(string role, string expected)
    {
        Assert.Equal(expected, MetadataStore.FileNameOf(role));
    }

    [Theory]
    [InlineData("..", "%2E%2E")]
    [InlineData(".", "%2E")]
    [InlineData("", "%00empty")]
    [InlineData("dir/file.txt", "dir%2Ffile.txt")]
    public void FileName_NeverAPathComponent(string path, string expected)
    {
        Assert.Equal(expected, SafeNames.FileName(path));
    }

    [Property(MaxTest = 1000)]
    public Property FileName_AnyString_IsOneSafeBoundedFileName()
    {
        return Prop.ForAll(ArbMap.Default.ArbFor<string>(), (string s) =>
        {
            s ??= string.Empty;
            if (s.Any(char.IsSurrogate))
            {
                s = new string(s.Where(c => !char.IsSurrogate(c)).ToArray());
            }

            string name = SafeNames.FileName(s);
            return name.Length is > 0 and <= 200
                && name != "." && name != ".."
                && name.All(c => c < 128 && c != '/' && c != '\\' && c != '\0')
                && Path.GetFileName(name) == name;
        });
    }

    [Property(MaxTest = 500)]
    public Property Quote_IsInjective_DistinctNamesGiveDistinctFiles()
    {
        return Prop.ForAll(ArbMap.Default.ArbFor<(string?, string?)>(), ((string? A, string? B) p) =>
        {
            string a = p.A ?? string.Empty, b = p.B ?? string.Empty;
            bool sameBytes = Encoding.UTF8.GetBytes(a).AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(b));
            return sameBytes == (SafeNames.Quote(a) == SafeNames.Quote(b));
        });
    }
}
