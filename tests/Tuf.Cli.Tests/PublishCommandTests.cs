using Tuf.Client;
using Tuf.Signing;

namespace Tuf.Cli.Tests;

/// <summary><c>tuf repo init --timestamp-key-from</c> and <c>tuf repo publish</c> against a real Tuf.Server process.</summary>
[Collection(RepoCliCollection.Name)]
public sealed class PublishCommandTests : IClassFixture<PublishServerFixture>, IDisposable
{
    private readonly PublishServerFixture _server;
    private readonly RepoCli _cli = new();

    public PublishCommandTests(PublishServerFixture server) => _server = server;

    public void Dispose() => _cli.Dispose();

    private static string NewGun() => $"example.com/cli-{Guid.NewGuid():N}"[..40];

    private void InitServerRepo(string gun, bool serverSnapshot = true)
    {
        _cli.GenerateKeys(serverSnapshot ? ["root", "targets"] : ["root", "targets", "snapshot"]);
        string[] snapshot = serverSnapshot ? ["--snapshot-key-from", _server.Url] : ["--snapshot-key", "snapshot"];
        _cli.RunOk(["repo", "init", _cli.Repo, "--root-key", "root", "--targets-key", "targets", .. snapshot,
            "--timestamp-key-from", _server.Url, "--collection", gun, "--token", _server.AdminToken, "--keystore", _cli.Keys]);
    }

    private void AddAndCommit(string target, string content, params string[] keys)
    {
        _cli.RunOk("repo", "add", _cli.Repo, _cli.Source(target, content), "--as", target);
        _cli.RunOk(["repo", "commit", _cli.Repo, "--key", .. keys, "--keystore", _cli.Keys]);
    }

    private int Publish(string gun, params string[] extra) =>
        _cli.Run(["repo", "publish", _cli.Repo, "--server", _server.Url, "--collection", gun, "--token", _server.AdminToken, .. extra]);

    private async Task<VerifiedTarget> DownloadAsync(string gun, string target)
    {
        string client = Path.Combine(_cli.Root, "client-" + Guid.NewGuid().ToString("N"));
        var collection = new Uri(_server.BaseAddress, gun + "/");
        using var updater = new Updater(Path.Combine(client, "metadata"), new Uri(collection, "metadata/"), Path.Combine(client, "targets"),
            new Uri(collection, "targets/"), File.ReadAllBytes(Path.Combine(_cli.Repo, "metadata", "1.root.json")));
        await updater.RefreshAsync(CancellationToken.None);
        return await updater.DownloadVerifiedAsync(target, CancellationToken.None);
    }

    [Fact]
    public async Task Publish_ServerSignedRepository_UploadsChangesOnlyAndClientVerifies()
    {
        string gun = NewGun();
        InitServerRepo(gun);
        AddAndCommit("app/a.txt", "first", "root", "targets");
        Assert.False(File.Exists(Path.Combine(_cli.Repo, "metadata", "timestamp.json")));

        Assert.Equal(0, Publish(gun));
        Assert.Contains("root v1, targets v1, snapshot v1, timestamp v1 and 1 target file(s)", _cli.Out, StringComparison.Ordinal);
        var first = await DownloadAsync(gun, "app/a.txt");
        Assert.Equal("first", File.ReadAllText(first.LocalPath));

        Assert.Equal(0, Publish(gun));
        Assert.Contains("nothing to publish", _cli.Out, StringComparison.Ordinal);

        AddAndCommit("app/b.txt", "second", "targets");
        Assert.Equal(0, Publish(gun));
        Assert.Contains("targets v2, snapshot v2, timestamp v2 and 1 target file(s)", _cli.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("root", _cli.Out, StringComparison.Ordinal);
        var second = await DownloadAsync(gun, "app/b.txt");
        Assert.Equal("second", File.ReadAllText(second.LocalPath));
    }

    [Fact]
    public async Task Publish_ServerBusy_WaitsForRetryAfterAndSucceeds()
    {
        string gun = NewGun();
        InitServerRepo(gun);
        AddAndCommit("app/a.txt", "first", "root", "targets");

        // Publishes whose bodies never finish take every one of the server's 4 publish slots.
        var holders = new List<System.Net.Sockets.TcpClient>();
        try
        {
            for (int i = 0; i < 4; i++)
            {
                var holder = new System.Net.Sockets.TcpClient();
                holders.Add(holder);
                await holder.ConnectAsync(_server.BaseAddress.Host, _server.BaseAddress.Port);
                await holder.GetStream().WriteAsync(System.Text.Encoding.ASCII.GetBytes(
                    $"POST /v2/{gun}-held/_trust/tuf/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {_server.AdminToken}\r\n"
                    + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\n"));
            }

            // The CLI's publish is turned away (503 busy, Retry-After: 1) while they hold; it waits and sends again.
            long before = await BusyCountAsync();
            var publish = Task.Run(() => Publish(gun));
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (await BusyCountAsync() == before)
            {
                Assert.True(DateTime.UtcNow < deadline && !publish.IsCompleted, "the publish was never turned away: " + _cli.Err);
                await Task.Delay(20);
            }

            holders.ForEach(h => h.Dispose());
            Assert.Equal(0, await publish);
            Assert.Contains("root v1, targets v1, snapshot v1, timestamp v1", _cli.Out, StringComparison.Ordinal);
        }
        finally
        {
            holders.ForEach(h => h.Dispose());
        }
    }

    /// <summary>How many 503 answers the server has given (its tuf_http_requests_total counter).</summary>
    private async Task<long> BusyCountAsync()
    {
        string metrics = System.Text.Encoding.UTF8.GetString((await _server.GetAsync("metrics"))!);
        var match = System.Text.RegularExpressions.Regex.Match(metrics, @"^tuf_http_requests_total\{code=""503""\} (\d+)", System.Text.RegularExpressions.RegexOptions.Multiline);
        return match.Success ? long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    [Fact]
    public async Task Publish_LocalSnapshotKey_UploadsOurSnapshotAndServerSignsTimestamp()
    {
        string gun = NewGun();
        InitServerRepo(gun, serverSnapshot: false);
        AddAndCommit("x.bin", "x", "root", "targets", "snapshot");
        Assert.Equal(0, Publish(gun, "--no-targets"));
        Assert.DoesNotContain("target file", _cli.Out, StringComparison.Ordinal);

        byte[] local = File.ReadAllBytes(Path.Combine(_cli.Repo, "metadata", "1.snapshot.json"));
        Assert.Equal(local, await _server.GetAsync($"{gun}/metadata/1.snapshot.json"));
        var timestamp = MetadataParser.Parse<Timestamp>((await _server.GetAsync($"{gun}/metadata/timestamp.json"))!).Signed;
        Assert.Equal(1, timestamp.SnapshotMeta.Version);
        Assert.Null(await _server.GetAsync($"{gun}/targets/x.bin"));
    }

    [Fact]
    public async Task Publish_TwoNewRootVersions_UploadsThemOneByOneAndClientFollowsTheChain()
    {
        string gun = NewGun();
        InitServerRepo(gun);
        AddAndCommit("a.txt", "a", "root", "targets");
        Assert.Equal(0, Publish(gun));
        _cli.GenerateKeys("root2", "root3");
        _cli.RunOk("repo", "rotate", _cli.Repo, "root", "--add-key", "root2", "--keystore", _cli.Keys);
        _cli.RunOk("repo", "commit", _cli.Repo, "--key", "root", "root2", "--keystore", _cli.Keys);
        _cli.RunOk("repo", "rotate", _cli.Repo, "root", "--remove-key", "root", "--add-key", "root3", "--keystore", _cli.Keys);
        _cli.RunOk("repo", "commit", _cli.Repo, "--key", "root", "root2", "root3", "--keystore", _cli.Keys);

        Assert.Equal(0, Publish(gun));
        var lines = _cli.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("published root v2", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("published root v3", lines[1], StringComparison.Ordinal);
        Assert.NotNull(await _server.GetAsync($"{gun}/metadata/3.root.json"));
        var target = await DownloadAsync(gun, "a.txt");
        Assert.Equal("a", File.ReadAllText(target.LocalPath));
    }

    [Fact]
    public async Task Publish_ManyTargets_SplitsIntoSeveralRequests()
    {
        string gun = NewGun();
        InitServerRepo(gun);
        for (int i = 0; i < Commands.RepoPublishCommand.MaxPartsPerRequest + 10; i++)
        {
            _cli.Source($"many/f{i:D4}.txt", $"file {i}");
        }

        _cli.RunOk("repo", "add", _cli.Repo, Path.Combine(_cli.Root, "src", "many"), "--as", "many");
        _cli.RunOk("repo", "commit", _cli.Repo, "--key", "root", "targets", "--keystore", _cli.Keys);

        Assert.Equal(0, Publish(gun));
        var lines = _cli.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("root v1, targets v1", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("target file(s) to collection " + gun + " on " + _server.Url, lines[1].TrimEnd(), StringComparison.Ordinal);
        var last = await DownloadAsync(gun, $"many/f{Commands.RepoPublishCommand.MaxPartsPerRequest + 9:D4}.txt");
        Assert.Equal($"file {Commands.RepoPublishCommand.MaxPartsPerRequest + 9}", File.ReadAllText(last.LocalPath));
        Assert.Equal(0, Publish(gun));
        Assert.Contains("nothing to publish", _cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_SomeoneElsePublishedFirst_PrintsServerCodeExitsOneAndChangesNothing()
    {
        string gun = NewGun();
        InitServerRepo(gun);
        AddAndCommit("a.txt", "a", "root", "targets");
        Assert.Equal(0, Publish(gun));

        // A copy of the repository (another maintainer) publishes targets v2 first.
        string copy = _cli.Repo + "-copy";
        CopyDirectory(_cli.Repo, copy);
        _cli.RunOk("repo", "add", copy, _cli.Source("theirs.txt", "theirs"), "--as", "theirs.txt");
        _cli.RunOk("repo", "commit", copy, "--key", "targets", "--keystore", _cli.Keys);
        _cli.RunOk("repo", "publish", copy, "--server", _server.Url, "--collection", gun, "--token", _server.AdminToken);
        byte[]? before = await _server.GetAsync($"{gun}/metadata/timestamp.json");

        AddAndCommit("ours.txt", "ours", "targets");
        string record = Path.Combine(_cli.Repo, ".tuf-staging", "published.json");
        byte[] recordBefore = File.ReadAllBytes(record);
        Assert.Equal(1, Publish(gun));
        Assert.Contains("tuf: publish rejected (version_not_increasing): ", _cli.Err, StringComparison.Ordinal);
        Assert.Equal(recordBefore, File.ReadAllBytes(record));
        Assert.Equal(before, await _server.GetAsync($"{gun}/metadata/timestamp.json"));
        Assert.Null(await _server.GetAsync($"{gun}/targets/ours.txt"));
    }

    [Fact]
    public void Publish_NoRecordButCollectionExists_UploadsOnlyWhatTheServerLacks()
    {
        string gun = NewGun();
        InitServerRepo(gun);
        AddAndCommit("a.txt", "a", "root", "targets");
        Assert.Equal(0, Publish(gun));
        File.Delete(Path.Combine(_cli.Repo, ".tuf-staging", "published.json"));
        AddAndCommit("b.txt", "b", "targets");

        Assert.Equal(0, Publish(gun));
        Assert.Contains("comparing with the server's current metadata", _cli.Out, StringComparison.Ordinal);
        Assert.Contains("published targets v2", _cli.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("root v", _cli.Out, StringComparison.Ordinal);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [Fact]
    public void Publish_WithoutToken_Unauthorized()
    {
        string gun = NewGun();
        InitServerRepo(gun);
        AddAndCommit("a.txt", "a", "root", "targets");
        Assert.Equal(1, _cli.Run("repo", "publish", _cli.Repo, "--server", _server.Url, "--collection", gun));
        Assert.Contains("publish rejected (unauthorized)", _cli.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Publish_NothingCommitted_ClearError()
    {
        string gun = NewGun();
        InitServerRepo(gun);
        Assert.Equal(1, Publish(gun));
        Assert.Contains("nothing committed yet", _cli.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Init_ServerKeyOptionsMisused_UsageErrors()
    {
        _cli.GenerateKeys("root", "targets", "snapshot", "timestamp");
        string[] common = ["repo", "init", _cli.Repo, "--root-key", "root", "--targets-key", "targets", "--keystore", _cli.Keys];
        Assert.Equal(2, _cli.Run([.. common, "--snapshot-key", "snapshot", "--timestamp-key-from", _server.Url]));
        Assert.Contains("--collection", _cli.Err, StringComparison.Ordinal);
        Assert.Equal(2, _cli.Run([.. common, "--snapshot-key", "snapshot", "--timestamp-key", "timestamp", "--timestamp-key-from", _server.Url, "--collection", "a/b"]));
        Assert.Equal(2, _cli.Run([.. common, "--snapshot-key-from", _server.Url, "--timestamp-key", "timestamp"]));
        Assert.Equal(2, _cli.Run([.. common, "--snapshot-key", "snapshot"]));
        Assert.False(Directory.Exists(_cli.Repo));
    }

    [Fact]
    public async Task Init_TimestampKeyFrom_RootNamesTheServersKey()
    {
        string gun = NewGun();
        InitServerRepo(gun, serverSnapshot: false);
        var editor = RepositoryEditor.Open(_cli.Repo);
        Assert.Equal(["timestamp"], editor.ServerSignedRoles);
        var keyJson = (await _server.GetAsync($"v2/{gun}/_trust/tuf/timestamp.key", _server.AdminToken, "application/vnd.tuf.key+json"))!;
        string serverKeyId = MetadataParser.Parse<Root>(StagedRoles.Load(Path.Combine(_cli.Repo, ".tuf-staging", "roles.json"), Path.Combine(_cli.Repo, ".tuf-staging", "roles")).TryGet("root", out var stagedRoot) ? stagedRoot.Span : throw new InvalidOperationException("root is not staged")).Signed.Roles["timestamp"].KeyIds.Single();
        using var doc = System.Text.Json.JsonDocument.Parse(keyJson);
        var key = new Key { KeyType = doc.RootElement.GetProperty("keytype").GetString()!, Scheme = doc.RootElement.GetProperty("scheme").GetString()!, Public = doc.RootElement.GetProperty("keyval").GetProperty("public").GetString()! };
        Assert.Equal(key.ComputeKeyId(), serverKeyId);
    }
}
