namespace Tuf.Core.Tests.Metadata;

public class SuccinctRolesTests
{
    // First 32 bits of sha256: "foo" 2c26b46b, "a/b/c.txt" c7ba2e9f, "" e3b0c442.
    [Theory]
    [InlineData(3, "foo", "bin-1")]
    [InlineData(3, "a/b/c.txt", "bin-6")]
    [InlineData(3, "", "bin-7")]
    [InlineData(8, "foo", "bin-2c")]
    [InlineData(9, "foo", "bin-058")]
    [InlineData(9, "a/b/c.txt", "bin-18f")]
    [InlineData(32, "foo", "bin-2c26b46b")]
    [InlineData(1, "a/b/c.txt", "bin-1")]
    public void GetRoleForTarget_TopBitsOfHash_NameTheBin(int bits, string path, string expected)
    {
        var roles = new SuccinctRoles { BitLength = bits, NamePrefix = "bin" };
        Assert.Equal(expected, roles.GetRoleForTarget(path));
        Assert.True(roles.IsDelegatedRole(expected));
    }

    [Fact]
    public void GetRoles_ListsAllBinsZeroPadded()
    {
        var roles = new SuccinctRoles { BitLength = 4, NamePrefix = "p" };
        var names = roles.GetRoles().ToList();
        Assert.Equal(16, names.Count);
        Assert.Equal("p-0", names[0]);
        Assert.Equal("p-f", names[15]);
        Assert.Equal(16, roles.NumberOfBins);
    }

    [Theory]
    [InlineData("bin-00", false)] // wrong suffix length for 4 bits
    [InlineData("bin-g", false)]
    [InlineData("bin-F", false)]
    [InlineData("bi-0", false)]
    [InlineData("bin-", false)]
    [InlineData("bin-a", true)]
    public void IsDelegatedRole_OnlyExactBinNames(string name, bool expected)
    {
        Assert.Equal(expected, new SuccinctRoles { BitLength = 4, NamePrefix = "bin" }.IsDelegatedRole(name));
    }
}
