using System.Security.Cryptography;
using Tuf.Rollout.Local;

namespace Tuf.Rollout.Tests;

public sealed class GroupFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tuf-group-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(_dir, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)) + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Load_IssueExample_ParsesWithFoldersRelativeToTheFile()
    {
        var path = Write("""
            { "provider": "local",
              "instances": [ { "name": "web-1", "dir": "instances/web-1",
                               "start": "sh {current}/run.sh 18081",
                               "health": "http://127.0.0.1:18081/health" } ] }
            """);
        var group = GroupFile.Load(path);
        var web1 = Assert.Single(group.Instances);
        Assert.Equal(Path.Combine(_dir, "instances", "web-1"), web1.Directory);
        Assert.Empty(web1.Ports);
        Assert.Equal(path + ".state", group.StateDirectory);
        Assert.Equal(TimeSpan.FromSeconds(5), group.StopGrace);
    }

    [Theory]
    [InlineData("""{"provider":"docker","instances":[]}""", "provider")]
    [InlineData("""{"provider":"local","instances":[]}""", "non-empty")]
    [InlineData("""{"provider":"local","instances":[{"name":"a","dir":"a","start":"x","health":"ftp://x"}]}""", "health")]
    [InlineData("""{"provider":"local","instances":[{"name":"a","dir":"a","start":"x {port}","health":"cmd:true"}]}""", "{port}")]
    [InlineData("""{"provider":"local","instances":[{"name":"a","dir":"a","start":"x","health":"cmd:true"},{"name":"a","dir":"b","start":"x","health":"cmd:true"}]}""", "twice")]
    [InlineData("""{"provider":"local","instances":[{"name":"a/b","dir":"a","start":"x","health":"cmd:true"}]}""", "letters")]
    [InlineData("""{"provider":"local","provider":"local","instances":[]}""", "JSON")]
    [InlineData("""{"provider":"local","instances":[{"name":"a","dir":"a","start":"x","health":"cmd:true","ports":[70000]}]}""", "65535")]
    public void Load_InvalidGroup_ThrowsFormatExceptionSayingWhy(string json, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => GroupFile.Load(Write(json)));
        Assert.Contains(expected, ex.Message);
    }
}
