namespace Tuf.Cli.Tests;

[Collection(RepoCliCollection.Name)]
public sealed class RepoCommandTests : IDisposable
{
    private readonly RepoCli _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Walkthrough_InitAddCommit_PublishesVerifiedRepository()
    {
        _cli.InitAndCommit("--expires", "timestamp=2");
        _cli.Source("site/index.html", "<h1>hi</h1>");
        _cli.Source("site/css/a.css", "body{}");
        _cli.RunOk("repo", "add", _cli.Repo, Path.Combine(_cli.Root, "src", "site"), "--as", "web");
        Assert.Contains("staged 2 targets", _cli.Out);
        _cli.RunOk("repo", "add", _cli.Repo, _cli.Source("app.tar", "app"), "--custom", "{\"v\":1}");
        _cli.RunOk("repo", "status", _cli.Repo);
        Assert.Contains("targets      v1 -> v2 (staged)", _cli.Out);
        _cli.RunOk("repo", "commit", _cli.Repo, "--key", "targets", "snapshot", "timestamp", "--keystore", _cli.Keys);
        Assert.Contains("targets v2", _cli.Out);

        _cli.AssertPublishedAndVerified();
        var targets = MetadataParser.Parse<Targets>(File.ReadAllBytes(Path.Combine(_cli.Repo, "metadata", "2.targets.json"))).Signed;
        Assert.Equal(["app.tar", "web/css/a.css", "web/index.html"], targets.TargetFiles.Keys.Order());
        string hash = targets.TargetFiles["web/css/a.css"].Hashes["sha256"];
        Assert.Equal("body{}", File.ReadAllText(Path.Combine(_cli.Repo, "targets", "web", "css", $"{hash}.a.css")));
        var timestamp = MetadataParser.Parse<Timestamp>(File.ReadAllBytes(Path.Combine(_cli.Repo, "metadata", "timestamp.json"))).Signed;
        Assert.Equal(2, timestamp.Version);
    }

    [Fact]
    public void AddLink_ThenSourceChanged_CommitRefusedWithClearErrorAndNothingPublished()
    {
        _cli.InitAndCommit();
        string source = _cli.Source("tool.bin", "version one");
        _cli.RunOk("repo", "add", _cli.Repo, source, "--link");
        File.WriteAllText(source, "version two!");
        string timestamp = File.ReadAllText(Path.Combine(_cli.Repo, "metadata", "timestamp.json"));
        Assert.Equal(1, _cli.Run("repo", "commit", _cli.Repo, "--key", "targets", "snapshot", "timestamp", "--keystore", _cli.Keys));
        Assert.Contains("changed since 'tuf repo add'", _cli.Err);
        Assert.DoesNotContain("   at ", _cli.Err);
        Assert.Equal(timestamp, File.ReadAllText(Path.Combine(_cli.Repo, "metadata", "timestamp.json")));

        // Adding it again records the new content; the commit then publishes it as a link to the source.
        _cli.RunOk("repo", "add", _cli.Repo, source, "--link");
        _cli.RunOk("repo", "commit", _cli.Repo, "--key", "targets", "snapshot", "timestamp", "--keystore", _cli.Keys);
        var targets = MetadataParser.Parse<Targets>(File.ReadAllBytes(Path.Combine(_cli.Repo, "metadata", "2.targets.json"))).Signed;
        string hash = targets.TargetFiles["tool.bin"].Hashes["sha256"];
        Assert.Equal("version two!", File.ReadAllText(Path.Combine(_cli.Repo, "targets", $"{hash}.tool.bin")));
        _cli.AssertPublishedAndVerified();
    }

    [Fact]
    public async Task Walkthrough_ServedOverHttp_TufDownloadVerifiesTargets()
    {
        // The README walkthrough end to end: keys, repository, delegation, hash bins, commit, then `tuf download`
        // from a loopback static server with the published 1.root.json as the trusted root.
        _cli.InitAndCommit();
        _cli.GenerateKeys("team", "bins");
        _cli.RunOk("repo", "delegate", _cli.Repo, "team", "--key", "team", "--paths", "apps/*", "--terminating", "--keystore", _cli.Keys);
        _cli.RunOk("repo", "delegate-bins", _cli.Repo, "--bins", "8", "--key", "bins", "--from", "team", "--keystore", _cli.Keys);
        _cli.RunOk("repo", "add", _cli.Repo, _cli.Source("app.tar", "application bytes"), "--as", "apps/app.tar", "--role", "team");
        _cli.RunOk("repo", "add", _cli.Repo, _cli.Source("readme.txt", "top level"), "--as", "docs/readme.txt");
        _cli.RunOk("repo", "commit", _cli.Repo, "--key", "targets", "team", "bins", "snapshot", "timestamp", "--keystore", _cli.Keys);

        await using var server = Tuf.Testing.RepositorySimulatorServer.ForDirectory(_cli.Repo);
        string client = Path.Combine(_cli.Root, "client");
        _cli.RunOk("download", "--root", Path.Combine(_cli.Repo, "metadata", "1.root.json"),
            "--metadata-url", server.MetadataUrl.ToString(), "--targets-url", server.TargetsUrl.ToString(),
            "--metadata-dir", Path.Combine(client, "metadata"), "--target-dir", Path.Combine(client, "targets"),
            "apps/app.tar", "docs/readme.txt");
        var files = Directory.GetFiles(Path.Combine(client, "targets"), "*", SearchOption.AllDirectories).Select(File.ReadAllText).Order().ToList();
        Assert.Equal(["application bytes", "top level"], files);

        // A target nobody published is refused.
        Assert.Equal(1, _cli.Run("download", "--root", Path.Combine(_cli.Repo, "metadata", "1.root.json"),
            "--metadata-url", server.MetadataUrl.ToString(), "--targets-url", server.TargetsUrl.ToString(),
            "--metadata-dir", Path.Combine(client, "metadata"), "--target-dir", Path.Combine(client, "targets"), "apps/missing.tar"));
    }

    [Fact]
    public void ThresholdSigning_TwoKeyStores_CommitOnlyWhenThresholdMet()
    {
        string storeA = Path.Combine(_cli.Root, "alice-keys");
        string storeB = Path.Combine(_cli.Root, "bob-keys");
        _cli.RunOk("key", "generate", "alice", "--keystore", storeA);
        _cli.RunOk("key", "generate", "bob", "--keystore", storeB);
        string bobPub = Path.Combine(_cli.Root, "bob.pub.json");
        _cli.RunOk("key", "export", "bob", "--keystore", storeB, "--output", bobPub);
        foreach (var k in new[] { "targets", "snapshot", "timestamp" })
        {
            _cli.RunOk("key", "generate", k, "--keystore", storeA);
        }

        _cli.RunOk("repo", "init", _cli.Repo, "--root-key", "alice", bobPub, "--root-threshold", "2", "--targets-key", "targets",
            "--snapshot-key", "snapshot", "--timestamp-key", "timestamp", "--keystore", storeA);
        string before = _cli.Fingerprint();
        Assert.Equal(1, _cli.Run("repo", "commit", _cli.Repo, "--key", "alice", "targets", "snapshot", "timestamp", "--keystore", storeA));
        Assert.Contains("has 1 of 2 signatures", _cli.Err);
        Assert.Equal(before, _cli.Fingerprint());

        _cli.RunOk("repo", "sign", _cli.Repo, "root", "--key", "bob", "--keystore", storeB);
        Assert.Contains("1/2", _cli.Out);
        _cli.RunOk("repo", "sign", _cli.Repo, "root", "--key", "alice", "--keystore", storeA);
        Assert.Contains("2/2", _cli.Out);
        _cli.RunOk("repo", "commit", _cli.Repo, "--key", "targets", "snapshot", "timestamp", "--keystore", storeA);
        _cli.AssertPublishedAndVerified();
    }

    [Fact]
    public void DelegateBins_AddAfterwards_GoesToBinsAndVerifies()
    {
        _cli.InitAndCommit();
        _cli.GenerateKeys("bins");
        _cli.RunOk("repo", "delegate-bins", _cli.Repo, "--bins", "4", "--key", "bins", "--keystore", _cli.Keys);
        for (int i = 0; i < 10; i++)
        {
            _cli.Source($"many/{i}.txt", $"file {i}");
        }

        _cli.RunOk("repo", "add", _cli.Repo, Path.Combine(_cli.Root, "src", "many"));
        _cli.RunOk("repo", "commit", _cli.Repo, "--key", "targets", "bins", "snapshot", "timestamp", "--keystore", _cli.Keys);
        _cli.AssertPublishedAndVerified();
        _cli.RunOk("repo", "status", _cli.Repo);
        Assert.Contains("bins-3", _cli.Out);
    }

    [Fact]
    public void DelegateRotateExpireRefresh_Work()
    {
        _cli.InitAndCommit();
        _cli.GenerateKeys("team", "root2", "ts2");
        _cli.RunOk("repo", "delegate", _cli.Repo, "team", "--key", "team", "--paths", "apps/*", "--terminating", "--keystore", _cli.Keys);
        _cli.RunOk("repo", "add", _cli.Repo, _cli.Source("x", "x"), "--as", "apps/x", "--role", "team");
        _cli.RunOk("repo", "commit", _cli.Repo, "--key", "targets", "team", "snapshot", "timestamp", "--keystore", _cli.Keys);

        _cli.RunOk("repo", "rotate", _cli.Repo, "root", "--remove-key", "root", "--add-key", "root2", "--keystore", _cli.Keys);
        _cli.RunOk("repo", "rotate", _cli.Repo, "timestamp", "--remove-key", "timestamp", "--add-key", "ts2", "--keystore", _cli.Keys);
        Assert.Equal(1, _cli.Run("repo", "commit", _cli.Repo, "--key", "root2", "snapshot", "ts2", "--keystore", _cli.Keys));
        _cli.RunOk("repo", "commit", _cli.Repo, "--key", "root", "root2", "snapshot", "ts2", "--keystore", _cli.Keys);
        Assert.True(File.Exists(Path.Combine(_cli.Repo, "metadata", "2.root.json")));

        _cli.RunOk("repo", "expire", _cli.Repo, "team", "30");
        _cli.RunOk("repo", "commit", _cli.Repo, "--key", "team", "snapshot", "ts2", "--keystore", _cli.Keys);
        _cli.RunOk("repo", "commit", _cli.Repo, "--refresh", "--key", "snapshot", "ts2", "--keystore", _cli.Keys);
        Assert.Contains("snapshot v5, timestamp v5", _cli.Out);
        _cli.AssertPublishedAndVerified();
    }

    [Fact]
    public void WrongPassphrase_CommitFailsAndChangesNothing()
    {
        _cli.InitAndCommit();
        _cli.RunOk("repo", "add", _cli.Repo, _cli.Source("a", "a"));
        string before = _cli.Fingerprint();
        Environment.SetEnvironmentVariable("TUF_KEY_PASSPHRASE", "wrong");
        Assert.Equal(1, _cli.Run("repo", "commit", _cli.Repo, "--key", "targets", "snapshot", "timestamp", "--keystore", _cli.Keys));
        Assert.StartsWith("tuf: wrong passphrase for key 'targets'", _cli.Err);
        Assert.Equal(before, _cli.Fingerprint());
    }

    [Theory]
    [InlineData(1, "repo", "add", "{repo}", "{file}", "--as", "../escape")]
    [InlineData(1, "repo", "add", "{repo}", "{file}", "--as", "/abs")]
    [InlineData(1, "repo", "add", "{repo}", "/no/such/file")]
    [InlineData(1, "repo", "add", "{repo}", "{file}", "--role", "nobody")]
    [InlineData(1, "repo", "add", "{repo}", "{file}", "--role", "root")]
    [InlineData(1, "repo", "remove", "{repo}", "not-there")]
    [InlineData(1, "repo", "delegate", "{repo}", "d", "--key", "targets", "--threshold", "2", "--paths", "a/*", "--keystore", "{keys}")]
    [InlineData(1, "repo", "delegate", "{repo}", "d", "--key", "nokey", "--paths", "a/*", "--keystore", "{keys}")]
    [InlineData(1, "repo", "delegate-bins", "{repo}", "--bins", "3", "--key", "targets", "--keystore", "{keys}")]
    [InlineData(1, "repo", "sign", "{repo}", "targets", "--key", "targets", "--keystore", "{keys}")]
    [InlineData(1, "repo", "sign", "{repo}", "nobody", "--key", "targets", "--keystore", "{keys}")]
    [InlineData(1, "repo", "expire", "{repo}", "nobody", "3")]
    [InlineData(1, "repo", "expire", "{repo}", "targets", "0")]
    [InlineData(1, "repo", "rotate", "{repo}", "root", "--remove-key", "targets", "--keystore", "{keys}")]
    [InlineData(1, "repo", "status", "{keys}")]
    [InlineData(2, "repo", "delegate", "{repo}", "d", "--key", "targets", "--keystore", "{keys}")]
    [InlineData(2, "repo", "add", "{repo}")]
    [InlineData(2, "repo", "init", "{repo}")]
    [InlineData(2, "repo", "add", "{repo}", "{file}", "{file}", "--as", "x")]
    [InlineData(2, "repo", "add", "{repo}", "{file}", "--custom", "{not json")]
    public void BadInput_OneLineErrorAndRepositoryUnchanged(int expectedExit, params string[] args)
    {
        _cli.InitAndCommit();
        string file = _cli.Source("f", "f");
        string before = _cli.Fingerprint();
        var expanded = args.Select(a => a.Replace("{repo}", _cli.Repo).Replace("{file}", file).Replace("{keys}", _cli.Keys)).ToArray();
        Assert.Equal(expectedExit, _cli.Run(expanded));
        Assert.StartsWith("tuf: ", _cli.Err);
        Assert.DoesNotContain("   at ", _cli.Err);
        Assert.Equal(before, _cli.Fingerprint());
    }

    [Theory]
    [InlineData("ml-dsa-44", "ml-dsa-44/1")]
    [InlineData("ml-dsa-65", "ml-dsa-65/1")]
    [InlineData("ml-dsa-87", "ml-dsa-87/1")]
    public async Task MLDsaRootAndTargetsKeys_GenerateInitCommit_TufDownloadVerifies(string type, string scheme)
    {
        // TAP 21 end to end through the command line: encrypted ML-DSA keys, signing in `tuf repo commit`, and our
        // client verifying root and targets with them (snapshot and timestamp stay ed25519, like a server's online keys).
        _cli.RunOk("key", "generate", "root", "--type", type, "--keystore", _cli.Keys);
        _cli.RunOk("key", "generate", "targets", "--type", type, "--keystore", _cli.Keys);
        _cli.GenerateKeys("snapshot", "timestamp");
        _cli.RunOk("repo", "init", _cli.Repo, "--root-key", "root", "--targets-key", "targets", "--snapshot-key", "snapshot", "--timestamp-key", "timestamp", "--keystore", _cli.Keys);
        _cli.RunOk("repo", "add", _cli.Repo, _cli.Source("app.tar", "post-quantum bytes"), "--as", "app.tar");
        _cli.RunOk("repo", "commit", _cli.Repo, "--key", "root", "targets", "snapshot", "timestamp", "--keystore", _cli.Keys);

        string metadata = Path.Combine(_cli.Repo, "metadata");
        var root = MetadataParser.Parse<Root>(File.ReadAllBytes(Path.Combine(metadata, "1.root.json"))).Signed;
        foreach (string role in new[] { "root", "targets" })
        {
            var key = root.Keys[Assert.Single(root.Roles[role].KeyIds)];
            Assert.Equal(("ml-dsa", scheme), (key.KeyType, key.Scheme));
            Assert.StartsWith("-----BEGIN PUBLIC KEY-----", key.Public, StringComparison.Ordinal);
        }

        await using var server = Tuf.Testing.RepositorySimulatorServer.ForDirectory(_cli.Repo);
        string client = Path.Combine(_cli.Root, "client");
        _cli.RunOk("download", "--root", Path.Combine(metadata, "1.root.json"),
            "--metadata-url", server.MetadataUrl.ToString(), "--targets-url", server.TargetsUrl.ToString(),
            "--metadata-dir", Path.Combine(client, "metadata"), "--target-dir", Path.Combine(client, "targets"), "app.tar");
        Assert.Equal("post-quantum bytes", File.ReadAllText(Assert.Single(Directory.GetFiles(Path.Combine(client, "targets"), "*", SearchOption.AllDirectories))));
    }

    [Fact]
    public void Init_ConsistentSnapshotFalseWithEcdsaKeys_PublishesPlainNames()
    {
        _cli.RunOk("key", "generate", "root", "--type", "ecdsa-p256", "--keystore", _cli.Keys);
        _cli.RunOk("key", "generate", "targets", "--type", "ecdsa-p256", "--keystore", _cli.Keys);
        _cli.GenerateKeys("snapshot", "timestamp");
        _cli.RunOk("repo", "init", _cli.Repo, "--root-key", "root", "--targets-key", "targets", "--snapshot-key", "snapshot", "--timestamp-key", "timestamp",
            "--consistent-snapshot", "false", "--keystore", _cli.Keys);
        _cli.RunOk("repo", "add", _cli.Repo, _cli.Source("a/b.txt", "b"), "--as", "a/b.txt");
        _cli.RunOk("repo", "commit", _cli.Repo, "--key", "root", "targets", "snapshot", "timestamp", "--keystore", _cli.Keys);

        string metadata = Path.Combine(_cli.Repo, "metadata");
        Assert.Equal(["1.root.json", "root.json", "snapshot.json", "targets.json", "timestamp.json"], Directory.GetFiles(metadata).Select(Path.GetFileName).Order());
        Assert.Equal("b", File.ReadAllText(Path.Combine(_cli.Repo, "targets", "a", "b.txt")));
        var root = MetadataParser.Parse<Root>(File.ReadAllBytes(Path.Combine(metadata, "root.json"))).Signed;
        Assert.False(root.ConsistentSnapshot);
        Assert.All(Tuf.Signing.RepositoryEditor.Open(_cli.Repo).GetStatus(), s => Assert.True(s.IsSigned));
    }

    [Fact]
    public void Init_ExistingRepository_Fails()
    {
        _cli.InitAndCommit();
        Assert.Equal(1, _cli.Run("repo", "init", _cli.Repo, "--root-key", "root", "--targets-key", "targets", "--snapshot-key", "snapshot", "--timestamp-key", "timestamp", "--keystore", _cli.Keys));
        Assert.Contains("already holds a repository", _cli.Err);
    }
}
