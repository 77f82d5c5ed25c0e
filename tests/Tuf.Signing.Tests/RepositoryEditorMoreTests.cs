using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;

namespace Tuf.Signing.Tests;

public sealed class RepositoryEditorMoreTests
{
    [Fact]
    public async Task RotateKeys_DelegatedRole_NewKeySignsNewVersion()
    {
        using var repo = new TestRepository();
        var oldKey = TestRepository.NewKey();
        var newKey = TestRepository.NewKey();
        var editor = repo.Open();
        editor.Delegate("team", [oldKey.PublicKey], 1, ["team/*"], null, false);
        await editor.AddTargetsAsync([new TargetSource("team/a", repo.WriteSource("a", "a"))], role: "team");
        editor.Save();
        await repo.CommitAsync([.. repo.AllKeys, oldKey]);

        editor = repo.Open();
        editor.RotateKeys("team", [oldKey.KeyId], [newKey.PublicKey]);
        editor.Save();
        await Assert.ThrowsAsync<SigningException>(() => repo.Open().CommitAsync([repo.Targets, oldKey, repo.Snapshot, repo.Timestamp]));
        var result = await repo.CommitAsync(repo.Targets, newKey, repo.Snapshot, repo.Timestamp);
        Assert.Equal(2, result.Roles["team"]);
        Assert.Equal(2, result.Roles["targets"]);
        var verified = repo.Verify();
        Assert.Equal([newKey.KeyId], verified.Roles["targets"].Delegations!.Roles![0].KeyIds);
        Assert.False(verified.Roles["targets"].Delegations!.Keys.ContainsKey(oldKey.KeyId));
    }

    [Fact]
    public async Task MixedKeyTypes_EcdsaAndRsa_Verify()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tuf-signing-tests", Guid.NewGuid().ToString("N"));
        try
        {
            using var root = InMemorySigner.Generate(SigningKeyType.Rsa3072);
            using var targets = InMemorySigner.Generate(SigningKeyType.EcdsaP256);
            using var online = InMemorySigner.Generate(SigningKeyType.Ed25519);
            var time = new FakeTimeProvider(TestRepository.Start);
            var editor = RepositoryEditor.Init(dir, new RepositoryInitOptions
            {
                RootKeys = [root.PublicKey], TargetsKeys = [targets.PublicKey], SnapshotKeys = [online.PublicKey], TimestampKeys = [online.PublicKey],
            }, time);
            editor.Save();
            await RepositoryEditor.Open(dir, time).CommitAsync([root, targets, online]);
            var verifier = new RepositoryVerifier(dir, TestRepository.Start).Verify();
            Assert.Equal("rsassa-pss-sha256", verifier.Root.Keys[root.KeyId].Scheme);
            Assert.Contains("\n \"signatures\": [", File.ReadAllText(Path.Combine(dir, "metadata", "1.root.json")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Sign_PartialThenReopen_SignatureSurvivesAndBytesUnchanged()
    {
        using var repo = new TestRepository(rootKeys: 3, rootThreshold: 2);
        var editor = repo.Open();
        await editor.SignAsync("root", repo.RootKeys[2]);
        editor.Save();
        var status = repo.Open().GetStatus().Single(s => s.Name == "root");
        Assert.Equal(1, status.Signatures[0].Valid);
        Assert.Equal(2, status.Signatures[0].Threshold);

        // Editing a staged role drops its signatures: they covered other bytes.
        editor = repo.Open();
        editor.Expire("root", 100);
        editor.Save();
        Assert.Equal(0, repo.Open().GetStatus().Single(s => s.Name == "root").Signatures[0].Valid);
    }

    [Fact]
    public async Task AddTargets_SameContentTwoPaths_BothPublished()
    {
        using var repo = new TestRepository();
        var editor = repo.Open();
        string source = repo.WriteSource("same", "identical");
        await editor.AddTargetsAsync([new TargetSource("one/same", source), new TargetSource("two/same", source)]);
        editor.Save();
        var result = await repo.CommitAsync();
        Assert.Equal(2, result.TargetFilesWritten);
        repo.Verify();
    }

    [Property(MaxTest = 8)]
    public Property Property_BinsRouting_EveryTargetFoundInItsBin()
    {
        var segment = Gen.Elements("a", "b", "lib", "x.y", "ö", "v1.2", "data-file");
        var pathGen = Gen.Choose(1, 3).SelectMany(n => Gen.ArrayOf(segment, n)).Select(parts => string.Join('/', parts));
        var setGen = Gen.NonEmptyListOf(pathGen).Select(l => l.Distinct().Take(12).ToList());
        return Prop.ForAll(setGen.ToArbitrary(), paths =>
        {
            using var repo = new TestRepository();
            var binKey = TestRepository.NewKey();
            var editor = repo.Open();
            editor.DelegateBins(4, [binKey.PublicKey]);
            editor.AddTargetsAsync(paths.Select((p, i) => new TargetSource(p, repo.WriteSource($"s{i}", p))).ToList()).GetAwaiter().GetResult();
            editor.Save();
            repo.Open().CommitAsync([.. repo.AllKeys, binKey]).GetAwaiter().GetResult();
            var verified = repo.Verify();
            var bins = verified.Roles["targets"].Delegations!.SuccinctRoles!;
            return paths.All(p => verified.FindTarget(p).Role == bins.GetRoleForTarget(p));
        });
    }
}
