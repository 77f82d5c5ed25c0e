using System.Text.Json;
using Tuf.Cli.Tests.Swarm;

namespace Tuf.Cli.Tests;

/// <summary><c>tuf repo add-image</c>: an image tag staged as Docker Content Trust signs it; every refusal one line, nothing staged.</summary>
[Collection(RepoCliCollection.Name)]
public sealed class AddImageCommandTests : IDisposable
{
    private const string Digest = "sha256:ea1d81ed1928461daa03c0ccdfa18c56341de73ecfb7c01d912ae88bc19072ab";
    private readonly RepoCli _cli = new();

    public AddImageCommandTests() => _cli.InitAndCommit();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void AddImage_GivenDigestAndSize_StagesTheManifestHashWithCustomAndCommitPublishesNoFile()
    {
        _cli.RunOk("repo", "add-image", _cli.Repo, "registry.example.com/team/web:v1", "--digest", Digest, "--size", "528",
            "--media-type", "application/vnd.oci.image.index.v1+json");
        Assert.Equal($"staged v1: registry.example.com/team/web@{Digest} (528 bytes, application/vnd.oci.image.index.v1+json)", _cli.Out.Trim());
        _cli.RunOk("repo", "commit", _cli.Repo, "--key", "targets", "snapshot", "timestamp", "--keystore", _cli.Keys);

        using var targets = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_cli.Repo, "metadata", "2.targets.json")));
        var entry = targets.RootElement.GetProperty("signed").GetProperty("targets").GetProperty("v1");
        Assert.Equal(528, entry.GetProperty("length").GetInt64());
        Assert.Equal(Digest["sha256:".Length..], entry.GetProperty("hashes").GetProperty("sha256").GetString());
        Assert.Single(entry.GetProperty("hashes").EnumerateObject());
        Assert.Equal("registry.example.com/team/web", entry.GetProperty("custom").GetProperty("image").GetString());
        Assert.Equal("application/vnd.oci.image.index.v1+json", entry.GetProperty("custom").GetProperty("mediaType").GetString());
        Assert.False(Directory.Exists(Path.Combine(_cli.Repo, "targets")) && Directory.EnumerateFiles(Path.Combine(_cli.Repo, "targets"), "*", SearchOption.AllDirectories).Any());
    }

    [Theory]
    [InlineData(2, "--digest 'sha256:abc' is not sha256: followed by 64 lowercase hex digits", "example.com/web:v1", "--digest", "sha256:abc", "--size", "3")]
    [InlineData(2, "--digest and --size go together", "example.com/web:v1", "--digest", Digest)]
    [InlineData(2, "--size must be between 1 and 4194304 bytes (a manifest's length)", "example.com/web:v1", "--digest", Digest, "--size", "5000000")]
    [InlineData(2, "image 'example.com/Web:v1': 'Web' is not a valid repository name", "example.com/Web:v1")]
    [InlineData(2, "an image given by digest needs --as NAME", "example.com/web@" + Digest)]
    [InlineData(1, "127.0.0.1:9/web:v1: registry http://127.0.0.1:9 is unreachable", "127.0.0.1:9/web:v1")]
    public void AddImage_BadInput_OneLineAndNothingStaged(int exit, string error, params string[] args)
    {
        string before = _cli.Fingerprint();

        int code = _cli.Run(["repo", "add-image", _cli.Repo, .. args]);

        Assert.Equal(exit, code);
        Assert.StartsWith("tuf: " + error, _cli.Err, StringComparison.Ordinal);
        Assert.Single(_cli.Err.Trim().Split('\n'));
        Assert.Equal(before, _cli.Fingerprint());
    }

    [SkippableFact]
    public void AddImage_UnknownTagInARealRegistry_OneLineAndNothingStaged()
    {
        var d = DockerSwarm.Require();
        string image = DockerSwarm.Unique("tags");
        d.BuildAndPush(image, "v1");
        string before = _cli.Fingerprint();

        int code = _cli.Run("repo", "add-image", _cli.Repo, $"{d.Registry}/{image}:v9");

        Assert.Equal(1, code);
        Assert.Equal($"tuf: {d.Registry}/{image}:v9: no such tag in {d.Registry}/{image} (the registry answered 404)", _cli.Err.Trim());
        Assert.Equal(before, _cli.Fingerprint());

        _cli.RunOk("repo", "add-image", _cli.Repo, $"{d.Registry}/{image}:v1");
        Assert.StartsWith($"staged v1: {d.Registry}/{image}@sha256:", _cli.Out, StringComparison.Ordinal);
    }
}
