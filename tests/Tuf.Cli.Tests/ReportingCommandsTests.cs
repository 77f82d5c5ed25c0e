using System.Text.Json;
using Tuf.Signing;

namespace Tuf.Cli.Tests;

/// <summary>status / list / verify / --json / expiry: what notary list, notary status and notary verify users expect.</summary>
[Collection(RepoCliCollection.Name)]
public sealed class ReportingCommandsTests : IDisposable
{
    private readonly RepoCli _cli = new();

    public void Dispose() => _cli.Dispose();

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>A repository committed <paramref name="daysAgo"/> days ago with the given validity per role.</summary>
    private void CommitInThePast(int daysAgo, Dictionary<string, int> expiryDays)
    {
        _cli.GenerateKeys("root", "targets", "snapshot", "timestamp");
        var store = new KeyStore(_cli.Keys);
        var time = new FixedTime(TimeProvider.System.GetUtcNow().AddDays(-daysAgo));
        var editor = RepositoryEditor.Init(_cli.Repo, new RepositoryInitOptions
        {
            RootKeys = [store.Get("root").PublicKey],
            TargetsKeys = [store.Get("targets").PublicKey],
            SnapshotKeys = [store.Get("snapshot").PublicKey],
            TimestampKeys = [store.Get("timestamp").PublicKey],
            ExpiryDays = expiryDays,
        }, time);
        var signers = new[] { "root", "targets", "snapshot", "timestamp" }.Select(n => store.Unlock(n, RepoCli.Passphrase)).ToList();
        editor.CommitAsync(signers).GetAwaiter().GetResult();
        RepoCommand_DisposeAll(signers);
    }

    private static void RepoCommand_DisposeAll(IEnumerable<ISigner> signers)
    {
        foreach (var s in signers)
        {
            (s as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void Status_ExpiredAndDueRoles_MarkedAndExitOne_CommitSaysUseRefresh()
    {
        // 6 days ago: timestamp (1 day) expired, snapshot (7 days) in its last quarter, targets and root fine.
        CommitInThePast(6, new Dictionary<string, int> { ["timestamp"] = 1, ["snapshot"] = 7 });
        Assert.Equal(1, _cli.Run("repo", "status", _cli.Repo));
        var lines = _cli.Out.Split('\n');
        Assert.Contains("EXPIRED", lines.Single(l => l.StartsWith("timestamp ", StringComparison.Ordinal)));
        Assert.Contains("(refresh due)", lines.Single(l => l.StartsWith("snapshot ", StringComparison.Ordinal)));
        Assert.DoesNotContain("EXPIRED", lines.Single(l => l.StartsWith("targets ", StringComparison.Ordinal)));
        Assert.DoesNotContain("\u001b[", _cli.Out); // no colour in a pipe

        Assert.Equal(1, _cli.Run("repo", "status", _cli.Repo, "--json"));
        using (var doc = JsonDocument.Parse(_cli.Out))
        {
            var roles = doc.RootElement.GetProperty("roles").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("expiry").GetString());
            Assert.Equal("expired", roles["timestamp"]);
            Assert.Equal("refresh_due", roles["snapshot"]);
            Assert.Equal("valid", roles["root"]);
        }

        _cli.RunOk("repo", "commit", _cli.Repo, "--key", "snapshot", "timestamp", "--keystore", _cli.Keys);
        Assert.StartsWith("nothing to commit; ", _cli.Out);
        Assert.Contains("use --refresh", _cli.Out);

        _cli.RunOk("repo", "commit", _cli.Repo, "--key", "snapshot", "timestamp", "--keystore", _cli.Keys, "--refresh");
        _cli.RunOk("repo", "status", _cli.Repo);
        Assert.DoesNotContain("EXPIRED", _cli.Out);
    }

    [Fact]
    public void StatusAndList_ShowStagedChangesDelegationsAndTargets_TextAndJson()
    {
        _cli.InitAndCommit();
        _cli.GenerateKeys("releases");
        _cli.RunOk("repo", "add", _cli.Repo, _cli.Source("a.txt", "a"), _cli.Source("b.txt", "b"));
        _cli.RunOk("repo", "commit", _cli.Repo, "--key", "targets", "snapshot", "timestamp", "--keystore", _cli.Keys);
        _cli.RunOk("repo", "remove", _cli.Repo, "b.txt");
        _cli.RunOk("repo", "add", _cli.Repo, _cli.Source("c.txt", "c"), "--custom", "{\"channel\":\"beta\"}");
        _cli.RunOk("repo", "delegate", _cli.Repo, "releases", "--key", "releases", "--paths", "releases/*", "--terminating", "--keystore", _cli.Keys);

        _cli.RunOk("repo", "status", _cli.Repo);
        Assert.Contains("  targets: 1 added, 1 removed, 0 changed", _cli.Out);
        Assert.Contains("    + c.txt", _cli.Out);
        Assert.Contains("    - b.txt", _cli.Out);
        Assert.Matches(@"  targets -> releases  paths releases/\*  keys [0-9a-f]{12}  threshold 1  terminating", _cli.Out);

        _cli.RunOk("repo", "status", _cli.Repo, "--json");
        using (var doc = JsonDocument.Parse(_cli.Out))
        {
            var change = doc.RootElement.GetProperty("changes").EnumerateArray().Single();
            Assert.Equal("targets", change.GetProperty("role").GetString());
            Assert.Equal(["c.txt"], change.GetProperty("added").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(["b.txt"], change.GetProperty("removed").EnumerateArray().Select(e => e.GetString()));
            var delegation = doc.RootElement.GetProperty("delegations").EnumerateArray().Single();
            Assert.True(delegation.GetProperty("terminating").GetBoolean());
            Assert.Equal("releases/*", delegation.GetProperty("paths")[0].GetString());
        }

        _cli.RunOk("repo", "list", _cli.Repo);
        var lines = _cli.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("a.txt  1 bytes  targets  sha256:", lines[0]);
        Assert.StartsWith("c.txt  1 bytes  targets (staged)  sha256:", lines[1]);
        Assert.EndsWith("custom {\"channel\":\"beta\"}", lines[1]);

        _cli.RunOk("repo", "list", _cli.Repo, "--json", "--role", "targets");
        using (var doc = JsonDocument.Parse(_cli.Out))
        {
            var c = doc.RootElement.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("path").GetString() == "c.txt");
            Assert.Equal(1, c.GetProperty("length").GetInt64());
            Assert.Equal(64, c.GetProperty("hashes").GetProperty("sha256").GetString()!.Length);
            Assert.Equal("beta", c.GetProperty("custom").GetProperty("channel").GetString());
            Assert.True(c.GetProperty("staged").GetBoolean());
        }

        Assert.Equal(2, _cli.Run("repo", "list", _cli.Repo, "--role", "nope"));
        Assert.StartsWith("tuf: --role: no targets role named 'nope'", _cli.Err);
    }

    [Fact]
    public void KeyList_Json_StableShape()
    {
        _cli.GenerateKeys("a");
        _cli.RunOk("key", "list", "--keystore", _cli.Keys, "--json");
        using var doc = JsonDocument.Parse(_cli.Out);
        var key = doc.RootElement.GetProperty("keys").EnumerateArray().Single();
        Assert.Equal("a", key.GetProperty("name").GetString());
        Assert.True(key.GetProperty("readable").GetBoolean());
        Assert.Equal("ed25519", key.GetProperty("scheme").GetString());
        Assert.Equal(64, key.GetProperty("keyid").GetString()!.Length);
    }

    [Fact]
    public async Task Verify_LocalFileAgainstSignedTarget_NeverDownloads_DownloadJsonAndExpiryWarning()
    {
        _cli.InitAndCommit();
        string app = _cli.Source("app.bin", "application bytes");
        _cli.RunOk("repo", "add", _cli.Repo, app, "--as", "apps/app.bin");
        _cli.RunOk("repo", "commit", _cli.Repo, "--key", "targets", "snapshot", "timestamp", "--keystore", _cli.Keys);
        await using var server = Tuf.Testing.RepositorySimulatorServer.ForDirectory(_cli.Repo);
        string root = Path.Combine(_cli.Repo, "metadata", "1.root.json");
        string[] common = ["--root", root, "--metadata-url", server.MetadataUrl.ToString()];

        _cli.RunOk(["verify", .. common, "apps/app.bin", app]);
        Assert.StartsWith($"verified: {app} is the signed target apps/app.bin (17 bytes, sha256 ", _cli.Out);

        string other = _cli.Source("other.bin", "application bytez");
        Assert.Equal(1, _cli.Run(["verify", .. common, "apps/app.bin", other]));
        Assert.Equal($"tuf: {other} is not the signed target apps/app.bin: same length (17 bytes) but its hashes differ", _cli.Err.TrimEnd());
        Assert.Equal(1, _cli.Run(["verify", .. common, "apps/none.bin", app]));
        Assert.StartsWith("tuf: target 'apps/none.bin' is not listed", _cli.Err);
        Assert.Equal(1, _cli.Run(["verify", .. common, "--json", "apps/app.bin", other]));
        using (var doc = JsonDocument.Parse(_cli.Out))
        {
            Assert.False(doc.RootElement.GetProperty("verified").GetBoolean());
        }

        // Never a target request: only metadata was fetched.
        Assert.Contains(server.Requests, p => p.Contains("timestamp.json", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Requests, p => p.Contains("targets/", StringComparison.Ordinal) && !p.Contains("metadata", StringComparison.Ordinal));

        // download --json, and the expiry warning (targets expire in 90 days; warn when within 100).
        string client = Path.Combine(_cli.Root, "client");
        _cli.RunOk("download", "--root", root, "--metadata-url", server.MetadataUrl.ToString(), "--targets-url", server.TargetsUrl.ToString(),
            "--metadata-dir", Path.Combine(client, "metadata"), "--target-dir", Path.Combine(client, "targets"), "--json", "--expiry-warning-days", "100", "apps/app.bin");
        using (var doc = JsonDocument.Parse(_cli.Out))
        {
            var t = doc.RootElement.GetProperty("targets").EnumerateArray().Single();
            Assert.Equal("apps/app.bin", t.GetProperty("name").GetString());
            Assert.Equal(17, t.GetProperty("length").GetInt64());
            Assert.Equal("application bytes", File.ReadAllText(t.GetProperty("path").GetString()!));
            Assert.True(t.GetProperty("downloaded").GetBoolean());
        }

        Assert.StartsWith("tuf: warning: the repository's targets metadata expires ", _cli.Err);
        _cli.RunOk("download", "--root", root, "--metadata-url", server.MetadataUrl.ToString(), "--targets-url", server.TargetsUrl.ToString(),
            "--metadata-dir", Path.Combine(client, "metadata"), "--target-dir", Path.Combine(client, "targets"), "apps/app.bin");
        Assert.Equal("", _cli.Err);
    }
}
