namespace Tuf.Signing.Tests;

/// <summary>
/// The editor's "who may sign this" and "may this role list that path" follow Core's delegation rules, the ones the
/// client and the server's publish validation follow: every delegation that reaches a role must be satisfied, and a
/// path must be one the client's search reaches the role for.
/// </summary>
public sealed class DelegationAuthorityTests
{
    [Fact]
    public async Task AddTargets_ToRoleBehindATerminatingDelegation_RefusedAndNothingStaged()
    {
        using var repo = new TestRepository();
        var first = TestRepository.NewKey();
        var second = TestRepository.NewKey();
        var editor = repo.Open();
        editor.Delegate("first", [first.PublicKey], 1, ["*"], null, terminating: true);
        editor.Delegate("second", [second.PublicKey], 1, ["*"], null, terminating: false);
        editor.Save();
        var staged = File.ReadAllBytes(repo.StagedRolesPath);

        editor = repo.Open();
        var ex = await Assert.ThrowsAsync<SigningException>(() => editor.AddTargetsAsync([new TargetSource("x.txt", repo.WriteSource("x", "x"))], "second"));

        Assert.Equal("target path 'x.txt' is not delegated to role 'second'", ex.Message);
        Assert.Equal(staged, File.ReadAllBytes(repo.StagedRolesPath));
    }

    [Fact]
    public async Task Commit_DiamondRole_NeedsTheKeysOfEveryDelegatorThatReachesIt()
    {
        // a and b each delegate to r, naming different keys for it (a diamond, as another tool may write one).
        using var repo = new TestRepository();
        var a = TestRepository.NewKey();
        var b = TestRepository.NewKey();
        var rOfA = TestRepository.NewKey();
        var rOfB = TestRepository.NewKey();
        var editor = repo.Open();
        editor.Delegate("a", [a.PublicKey], 1, ["a/*"], null, terminating: false);
        editor.Delegate("b", [b.PublicKey], 1, ["b/*"], null, terminating: false);
        editor.Delegate("r", [rOfA.PublicKey], 1, ["a/*"], null, terminating: false, from: "a");
        editor.Save();
        var bTargets = MetadataParser.Parse<Targets>(repo.ReadStagedRole("b")).Signed;
        bTargets.Delegations = new Delegations
        {
            Keys = new Dictionary<string, Key> { [rOfB.KeyId] = rOfB.PublicKey },
            Roles = [new DelegatedRole { Name = "r", KeyIds = [rOfB.KeyId], Threshold = 1, Paths = ["b/*"] }],
        };
        repo.WriteStagedRole("b", MetadataWriter.ToFileBytes(bTargets, []));
        editor = repo.Open();
        await editor.AddTargetsAsync([new TargetSource("b/x", repo.WriteSource("bx", "b"))], "r");
        editor.Save();

        var authorities = repo.Open().AuthoritiesFor("r");
        Assert.Equal(["r (delegated by a)", "r (delegated by b)"], authorities.Select(x => x.Description).ToArray());

        var refused = await Assert.ThrowsAsync<SigningException>(() => repo.CommitAsync([.. repo.AllKeys, a, b, rOfA]));
        Assert.Contains("r (delegated by b) has 0 of 1 signatures", refused.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(repo.Directory, "metadata", "1.r.json")));

        await repo.CommitAsync([.. repo.AllKeys, a, b, rOfA, rOfB]);
        var published = MetadataParser.Parse<Targets>(File.ReadAllBytes(Path.Combine(repo.Directory, "metadata", "1.r.json")));
        Assert.Equal(new[] { rOfA.KeyId, rOfB.KeyId }.Order(StringComparer.Ordinal), published.Signatures.Select(s => s.KeyId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SignAndCommit_SameKeyGivenTwice_WritesItsSignatureOnce()
    {
        using var repo = new TestRepository();
        var editor = repo.Open();
        await editor.AddTargetsAsync([new TargetSource("a.txt", repo.WriteSource("a", "a"))]);
        await editor.SignAsync("targets", repo.Targets);
        await editor.SignAsync("targets", repo.Targets);
        editor.Save();

        await repo.CommitAsync([.. repo.AllKeys, repo.Targets, repo.Snapshot]);

        foreach (var file in Directory.GetFiles(Path.Combine(repo.Directory, "metadata"), "*.json"))
        {
            var signatures = MetadataParser.Parse<Signed>(File.ReadAllBytes(file), file).Signatures; // refuses a repeated keyid
            Assert.Equal(signatures.Count, signatures.Select(s => s.KeyId).Distinct(StringComparer.Ordinal).Count());
        }
    }
}
