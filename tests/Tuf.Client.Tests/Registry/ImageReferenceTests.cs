using Tuf.Client.Registry;

namespace Tuf.Client.Tests.Registry;

public sealed class ImageReferenceTests
{
    [Theory]
    [InlineData("127.0.0.1:5000/web:v1", "127.0.0.1:5000", "web", "v1", "127.0.0.1:5000/web")]
    [InlineData("registry.example.com/team/app", "registry.example.com", "team/app", null, "registry.example.com/team/app")]
    [InlineData("localhost/app:1.2.3", "localhost", "app", "1.2.3", "localhost/app")]
    [InlineData("busybox", "registry-1.docker.io", "library/busybox", null, "docker.io/library/busybox")]
    [InlineData("docker.io/team/app:latest", "registry-1.docker.io", "team/app", "latest", "docker.io/team/app")]
    [InlineData("team/app:x_y", "registry-1.docker.io", "team/app", "x_y", "docker.io/team/app")]
    public void Parse_LikeDocker(string text, string registry, string repository, string? tag, string name)
    {
        var r = ImageReference.Parse(text);

        Assert.Equal((registry, repository, tag, name), (r.Registry, r.Repository, r.Tag, r.Name));
    }

    [Fact]
    public void Parse_WithDigest_PinsWithoutTheTag()
    {
        string digest = "sha256:" + new string('a', 64);
        var r = ImageReference.Parse("127.0.0.1:5000/web:v1@" + digest);

        Assert.Equal(digest, r.Digest);
        Assert.Equal("127.0.0.1:5000/web@" + digest, r.PinnedTo(digest));
        Assert.True(r.IsLoopback);
        Assert.False(ImageReference.Parse("registry.example.com/web").IsLoopback);
    }

    [Theory]
    [InlineData("web@sha256:abc", "digest")]
    [InlineData("web@md5:" + "0123456789abcdef0123456789abcdef", "digest")]
    [InlineData("127.0.0.1:5000/Web:v1", "repository")]
    [InlineData("127.0.0.1:5000/web:-bad", "tag")]
    [InlineData("127.0.0.1:5000/", "repository")]
    public void Parse_Malformed_SaysWhichPart(string text, string part)
    {
        var ex = Assert.Throws<FormatException>(() => ImageReference.Parse(text));

        Assert.Contains(part, ex.Message, StringComparison.Ordinal);
    }
}
