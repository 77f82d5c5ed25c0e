using Microsoft.Extensions.Time.Testing;

namespace Tuf.Signing.Tests;

/// <summary>Repositories whose timestamp (and maybe snapshot) key a server holds: commits never sign or write those roles.</summary>
public sealed class ServerSignedRolesTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tuf-signing-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(TestRepository.Start);
    private readonly InMemorySigner _root = TestRepository.NewKey();
    private readonly InMemorySigner _targets = TestRepository.NewKey();
    private readonly InMemorySigner _snapshot = TestRepository.NewKey();
    private readonly InMemorySigner _serverTimestamp = TestRepository.NewKey();
    private readonly InMemorySigner _serverSnapshot = TestRepository.NewKey();

    public void Dispose()
    {
        try
        {
            foreach (string dir in (string[])[_dir, _dir + "-src"])
            {
                if (Directory.Exists(dir))
                {
                    Directory.Delete(dir, recursive: true);
                }
            }
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private RepositoryEditor Init(params string[] serverRoles)
    {
        bool serverSnapshot = serverRoles.Contains("snapshot");
        var editor = RepositoryEditor.Init(_dir, new RepositoryInitOptions
        {
            RootKeys = [_root.PublicKey],
            TargetsKeys = [_targets.PublicKey],
            SnapshotKeys = [serverSnapshot ? _serverSnapshot.PublicKey : _snapshot.PublicKey],
            TimestampKeys = [_serverTimestamp.PublicKey],
            ServerSignedRoles = serverRoles,
        }, _time);
        editor.Save();
        return editor;
    }

    private string Source(string name, string content)
    {
        string path = Path.Combine(_dir + "-src", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public async Task Commit_ServerSignedTimestamp_WritesSnapshotButNoTimestampWithoutItsKey()
    {
        Init("timestamp");
        var result = await RepositoryEditor.Open(_dir, _time).CommitAsync([_root, _targets, _snapshot]);

        Assert.Equal(new Dictionary<string, long> { ["root"] = 1, ["targets"] = 1, ["snapshot"] = 1 }, result.Roles);
        Assert.False(File.Exists(Path.Combine(_dir, "metadata", "timestamp.json")));
        Assert.True(File.Exists(Path.Combine(_dir, "metadata", "1.snapshot.json")));
        Assert.Equal(["timestamp"], RepositoryEditor.Open(_dir, _time).ServerSignedRoles);

        var editor = RepositoryEditor.Open(_dir, _time);
        await editor.AddTargetsAsync([new TargetSource("a.txt", Source("a", "hello"))]);
        editor.Save();
        result = await RepositoryEditor.Open(_dir, _time).CommitAsync([_targets, _snapshot]);

        Assert.Equal(new Dictionary<string, long> { ["targets"] = 2, ["snapshot"] = 2 }, result.Roles);
        Assert.False(File.Exists(Path.Combine(_dir, "metadata", "timestamp.json")));
        var published = RepositoryEditor.Open(_dir, _time).GetPublishedMetadata();
        Assert.Equal(["root v1", "targets v2", "snapshot v2"], published.Select(p => $"{p.Role} v{p.Version}"));
        Assert.All(published, p => Assert.True(File.Exists(p.FilePath), p.FilePath));
        var snapshot = MetadataParser.Parse<Snapshot>(File.ReadAllBytes(published[2].FilePath));
        Assert.Equal(2, snapshot.Signed.Meta["targets.json"].Version);
    }

    [Fact]
    public async Task Commit_ServerSignedSnapshotAndTimestamp_WritesOnlyOfflineRoles()
    {
        Init("timestamp", "snapshot");
        await RepositoryEditor.Open(_dir, _time).CommitAsync([_root, _targets]);
        var editor = RepositoryEditor.Open(_dir, _time);
        await editor.AddTargetsAsync([new TargetSource("dir/b.bin", Source("b", "content"))]);
        editor.Save();
        var result = await RepositoryEditor.Open(_dir, _time).CommitAsync([_targets]);

        Assert.Equal(new Dictionary<string, long> { ["targets"] = 2 }, result.Roles);
        var files = Directory.GetFiles(Path.Combine(_dir, "metadata")).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(["1.root.json", "1.targets.json", "2.targets.json", "root.json"], files);

        editor = RepositoryEditor.Open(_dir, _time);
        Assert.Equal(["root v1", "targets v2"], editor.GetPublishedMetadata().Select(p => $"{p.Role} v{p.Version}"));
        var target = Assert.Single(editor.GetPublishedTargets());
        Assert.Equal("dir/b.bin", target.File.Path);
        Assert.Equal("content", File.ReadAllText(target.FilePath));
        Assert.DoesNotContain(editor.GetStatus(), s => s.Name is "snapshot" or "timestamp");
    }

    [Fact]
    public void Init_ServerSignedSnapshotWithoutTimestamp_Refused()
    {
        var ex = Assert.Throws<SigningException>(() => RepositoryEditor.Init(_dir, new RepositoryInitOptions
        {
            RootKeys = [_root.PublicKey],
            TargetsKeys = [_targets.PublicKey],
            SnapshotKeys = [_serverSnapshot.PublicKey],
            TimestampKeys = [_serverTimestamp.PublicKey],
            ServerSignedRoles = ["snapshot"],
        }, _time));
        Assert.Contains("timestamp", ex.Message, StringComparison.Ordinal);
        Assert.Throws<SigningException>(() => RepositoryEditor.Init(_dir, new RepositoryInitOptions
        {
            RootKeys = [_root.PublicKey],
            TargetsKeys = [_targets.PublicKey],
            SnapshotKeys = [_snapshot.PublicKey],
            TimestampKeys = [_serverTimestamp.PublicKey],
            ServerSignedRoles = ["targets"],
        }, _time));
    }

    [Fact]
    public async Task Expire_ServerSignedTimestamp_Refused()
    {
        Init("timestamp");
        await RepositoryEditor.Open(_dir, _time).CommitAsync([_root, _targets, _snapshot]);
        var ex = Assert.Throws<SigningException>(() => RepositoryEditor.Open(_dir, _time).Expire("timestamp", 3));
        Assert.Contains("server", ex.Message, StringComparison.Ordinal);
    }
}
