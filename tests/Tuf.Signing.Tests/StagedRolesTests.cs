using System.Text;

namespace Tuf.Signing.Tests;

/// <summary><c>.tuf-staging/roles.json</c>: every staged role in one file, read back byte for byte.</summary>
public sealed class StagedRolesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tuf-staged-roles-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string BundlePath => Path.Combine(_dir, "roles.json");

    private string LegacyDir => Path.Combine(_dir, "roles");

    [Fact]
    public void SaveLoad_KeepsEachRolesBytesAndOrdersNames()
    {
        byte[] targets = Encoding.UTF8.GetBytes("""{"signatures":[],"signed":{"_type":"targets","version":2}}""");
        byte[] odd = Encoding.UTF8.GetBytes("""{"signatures":[{"keyid":"ab","sig":"cd"}],"signed":{"_type":"targets","x":"\u00e9"}}""");
        var staged = new StagedRoles();
        staged.Set("targets", targets);
        staged.Set("team \"a\"/é", odd);
        Assert.True(staged.Dirty);

        staged.Save(BundlePath);
        var loaded = StagedRoles.Load(BundlePath, LegacyDir);

        Assert.False(loaded.Dirty);
        Assert.Equal(["targets", "team \"a\"/é"], loaded.Names);
        Assert.True(loaded.TryGet("targets", out var t));
        Assert.Equal(targets, t.ToArray());
        Assert.True(loaded.TryGet("team \"a\"/é", out var o));
        Assert.Equal(odd, o.ToArray());
        Assert.False(loaded.Contains("bins-0"));
    }

    [Fact]
    public void Load_NoFile_IsEmpty()
    {
        var loaded = StagedRoles.Load(BundlePath, LegacyDir);
        Assert.Empty(loaded.Names);
        Assert.False(loaded.Dirty);
    }

    [Fact]
    public void Load_LegacyOneFilePerRole_IsReadAndMovedIntoTheFileOnSave()
    {
        Directory.CreateDirectory(LegacyDir);
        byte[] legacy = Encoding.UTF8.GetBytes("{\n \"signatures\": [],\n \"signed\": {\"_type\": \"targets\"}\n}");
        File.WriteAllBytes(Path.Combine(LegacyDir, Uri.EscapeDataString("a/b") + ".json"), legacy);

        var loaded = StagedRoles.Load(BundlePath, LegacyDir);
        Assert.True(loaded.Dirty);
        Assert.True(loaded.TryGet("a/b", out var bytes));
        Assert.Equal(legacy, bytes.ToArray());
    }

    [Fact]
    public async Task Editor_LegacyStagingArea_CommitsAndIsRemoved()
    {
        using var repo = new TestRepository();
        var editor = repo.Open();
        await editor.AddTargetsAsync([new TargetSource("a.txt", repo.WriteSource("a.txt", "alpha"))]);
        editor.Save();

        // Rewrite the staging area as an earlier version laid it out: .tuf-staging/roles/<role>.json.
        var staged = StagedRoles.Load(repo.StagedRolesPath, repo.LegacyStagedRolesDir);
        Directory.CreateDirectory(repo.LegacyStagedRolesDir);
        foreach (var name in staged.Names)
        {
            Assert.True(staged.TryGet(name, out var bytes));
            File.WriteAllBytes(Path.Combine(repo.LegacyStagedRolesDir, Uri.EscapeDataString(name) + ".json"), bytes.ToArray());
        }

        File.Delete(repo.StagedRolesPath);

        var result = await repo.CommitAsync();
        Assert.Equal(1, result.Roles["targets"]);
        Assert.Contains("a.txt", repo.Verify().Roles["targets"].TargetFiles.Keys);
        Assert.False(Directory.Exists(repo.LegacyStagedRolesDir));
        Assert.False(File.Exists(repo.StagedRolesPath));
    }

    [Fact]
    public async Task Editor_ManyBins_StageOneFileNotOnePerRole()
    {
        using var repo = new TestRepository();
        var binKey = TestRepository.NewKey();
        var editor = repo.Open();
        editor.DelegateBins(64, [binKey.PublicKey]);
        var sources = Enumerable.Range(0, 200).Select(i => new TargetSource($"f/{i}.txt", repo.WriteSource($"f/{i}.txt", $"file {i}"))).ToList();
        await editor.AddTargetsAsync(sources);
        editor.Save();

        string staging = Path.Combine(repo.Directory, ".tuf-staging");
        Assert.Equal(["roles.json", "settings.json", "sources.json"], Directory.EnumerateFileSystemEntries(staging).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(66, StagedRoles.Load(repo.StagedRolesPath, repo.LegacyStagedRolesDir).Names.Count()); // targets + 64 bins + root (v1)

        await repo.CommitAsync([.. repo.AllKeys, binKey]);
        var verified = repo.Verify();
        Assert.Equal(200, verified.Roles.Values.Sum(r => r.TargetFiles.Count));
        Assert.All(sources, s => Assert.NotNull(verified.FindTarget(s.TargetPath).Target));
    }

    [Theory]
    [InlineData("[]", "not a JSON object")]
    [InlineData("""{"format":"tuf-net-staged-roles","version":1}""", "\"roles\" is missing")]
    [InlineData("""{"format":"other","version":1,"roles":{}}""", "\"format\"")]
    [InlineData("""{"format":"tuf-net-staged-roles","version":2,"roles":{}}""", "unsupported \"version\"")]
    [InlineData("""{"format":"tuf-net-staged-roles","version":1,"roles":{"a":{},"a":{}}}""", "role 'a' is listed twice")]
    [InlineData("""{"format":"tuf-net-staged-roles","version":1,"roles":{"a":[]}}""", "role 'a' is not a metadata object")]
    [InlineData("""{"format":"tuf-net-staged-roles","version":1,"roles":{"a":{}}} x""", "malformed JSON")]
    [InlineData("""{"format":"tuf-net-staged-roles","version":1,"roles":{"a":{""", "malformed JSON")]
    public void Load_Malformed_NamesTheFileAndTheProblem(string content, string problem)
    {
        File.WriteAllText(BundlePath, content);
        var ex = Assert.Throws<SigningException>(() => StagedRoles.Load(BundlePath, LegacyDir));
        Assert.StartsWith(BundlePath + ": ", ex.Message);
        Assert.Contains(problem, ex.Message);
    }
}
