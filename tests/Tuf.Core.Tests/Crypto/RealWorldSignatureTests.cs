using Tuf.Testing;
using Xunit.Abstractions;

namespace Tuf.Core.Tests.Crypto;

/// <summary>
/// Signatures in real TUF metadata published by others (../shared/vectors): the outcomes its README states.
/// </summary>
public class RealWorldSignatureTests(ITestOutputHelper output)
{
    private bool Absent()
    {
        if (SharedVectors.Directory is null)
        {
            output.WriteLine(SharedVectors.MissingMessage);
            return true;
        }

        return false;
    }

    private static RealMetadata Load(params string[] parts) => RealMetadata.Load(SharedVectors.PathOf(parts));

    [SkippableTheory]
    [InlineData(8, 3, "github-tuf-repo", "cli-cli-2024-04-01", "tuf-repo.github.com", "root.json")]
    [InlineData(5, 3, "github-tuf-repo", "cli-cli-HEAD", "tuf-repo.github.com", "root.json")]
    [InlineData(2, 2, "datadog-remote-config", "prod.config.json")]
    [InlineData(2, 2, "datadog-remote-config", "prod.director.json")]
    [InlineData(1, 1, "python-tuf", "repository_data", "repository", "metadata", "1.root.json")]
    [InlineData(1, 1, "python-tuf", "repository_data", "repository", "metadata", "root.json")]
    [InlineData(0, 1, "go-tuf", "v2-master", "repository_data", "repository", "metadata", "1.root.json")]
    [InlineData(1, 1, "go-tuf", "v2-master", "repository_data", "repository", "metadata", "root.json")]
    [InlineData(1, 1, "tough", "data", "simple-rsa", "root.json")]
    [InlineData(0, 1, "tough", "data", "no-root-json-signatures", "root.json")]
    [InlineData(0, 1, "tough", "data", "invalid-root-json-signature", "root.json")]
    [InlineData(0, 1, "tough", "data", "mismatched-root-json-keyids", "root.json")]
    [InlineData(1, 1, "tough", "data", "expired-root-json-signature", "root.json")]
    [InlineData(5, 3, "tough", "data", "hex-encoded-ecdsa-sig-keys", "root.json")]
    [InlineData(4, 3, "tough", "data", "pem-encoded-ecdsa-sig-keys", "root.json")]
    [InlineData(5, 3, "tough", "data", "ecdsa-new-type-sig-keys", "root.json")]
    [InlineData(1, 1, "tough", "data", "rotated-root", "1.root.json")]
    [InlineData(1, 1, "tough", "data", "rotated-root", "2.root.json")]
    public void CountValid_RealRootSelfSignatures_MatchPublishedOutcome(int expectedValid, int expectedThreshold, params string[] path)
    {
        Skip.If(Absent(), SharedVectors.MissingMessage);

        var root = Load(path);
        var role = root.Roles["root"];
        Assert.Equal(expectedThreshold, role.Threshold);
        Assert.Equal(expectedValid, root.Count(root, "root"));
        if (expectedValid >= expectedThreshold)
        {
            ThresholdVerifier.Verify("root", root.SignedBytes, root.Signatures, role, root.Keys);
        }
        else
        {
            var e = Assert.Throws<UnsignedMetadataException>(() => ThresholdVerifier.Verify("root", root.SignedBytes, root.Signatures, role, root.Keys));
            Assert.Equal(expectedValid, e.ValidSignatures);
        }
    }

    [SkippableFact]
    public void Verify_GoTufRootRsaPssMaxSalt_AcceptedAlthoughDotNetPssRejectsIt()
    {
        Skip.If(Absent(), SharedVectors.MissingMessage);

        // go-tuf signs RSA-PSS with the maximum salt length; .NET's RSASignaturePadding.Pss only accepts salt = digest
        // length, so this real signature exercises the any-salt-length path.
        var root = Load("go-tuf", "v2-master", "repository_data", "repository", "metadata", "root.json");
        var signature = root.Signatures[0];
        var key = root.Keys[signature.KeyId];
        var sig = Convert.FromHexString(signature.Sig);
        using var rsa = System.Security.Cryptography.RSA.Create();
        rsa.ImportFromPem(key.Public);
        Assert.False(rsa.VerifyData(root.SignedBytes, sig, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pss));
        Assert.True(key.Verify(root.SignedBytes, sig));
    }

    [SkippableFact]
    public void CountValid_SigstoreStagingRootChain_EachVersionSignedByItselfAndItsPredecessor()
    {
        Skip.If(Absent(), SharedVectors.MissingMessage);

        // Self-signature counts, cross-checked with Python cryptography over the same canonical bytes.
        int[] expectedSelf = [1, 1, 1, 1, 2, 4, 4, 4, 3, 2, 2, 2, 2, 2];
        RealMetadata? previous = null;
        for (int version = 1; version <= 14; version++)
        {
            var root = Load("sigstore-root-signing-staging", "main", "metadata", "root_history", version + ".root.json");
            int self = root.Count(root, "root");
            output.WriteLine($"root v{version}: self {self}/{root.Roles["root"].Threshold}, {root.Signatures.Count(s => s.Sig.Length == 0)} placeholders");
            Assert.Equal(expectedSelf[version - 1], self);
            Assert.True(self >= root.Roles["root"].Threshold, $"root v{version} self-signatures {self}");
            if (previous is not null)
            {
                int byPrevious = root.Count(previous, "root");
                Assert.True(byPrevious >= previous.Roles["root"].Threshold, $"root v{version} signed by v{version - 1}: {byPrevious}");
            }

            previous = root;
        }
    }

    [SkippableFact]
    public void CountValid_SigstoreStagingTopLevelAndDelegatedRoles_MeetThresholdsDespitePlaceholders()
    {
        Skip.If(Absent(), SharedVectors.MissingMessage);

        var root = Load("sigstore-root-signing-staging", "main", "metadata", "root.json");
        var targets = Load("sigstore-root-signing-staging", "main", "metadata", "targets.json");
        Assert.Equal(2, targets.Signatures.Count(s => s.Sig.Length == 0));
        Assert.Equal(2, targets.Count(root, "targets"));
        foreach (var role in new[] { "snapshot", "timestamp" })
        {
            var md = Load("sigstore-root-signing-staging", "main", "metadata", role + ".json");
            Assert.True(md.Count(root, role) >= root.Roles[role].Threshold, role);
        }

        var npm = Load("sigstore-root-signing-staging", "main", "metadata", "registry.npmjs.org.json");
        Assert.True(npm.Count(targets, "registry.npmjs.org") >= targets.Roles["registry.npmjs.org"].Threshold);
    }

    [SkippableFact]
    public void CountValid_SigstoreRootV9_OldAndNewKeyIdsOfTheSameKeysCountOnce()
    {
        Skip.If(Absent(), SharedVectors.MissingMessage);

        // v9 changed the keytype of v8's keys, so each physical key signed under two key IDs. Listing both key IDs
        // in one role must not double the count.
        var v8 = Load("sigstore-root-signing-staging", "main", "metadata", "root_history", "8.root.json");
        var v9 = Load("sigstore-root-signing-staging", "main", "metadata", "root_history", "9.root.json");
        var merged = new Dictionary<string, Key>(v9.Keys, StringComparer.Ordinal);
        foreach (var (id, key) in v8.Keys)
        {
            merged.TryAdd(id, key);
        }

        var both = new Role { KeyIds = [.. v8.Roles["root"].KeyIds, .. v9.Roles["root"].KeyIds], Threshold = 1 };
        int byV8 = v9.Count(v8, "root");
        int byV9 = v9.Count(v9, "root");
        int combined = ThresholdVerifier.CountValid(v9.SignedBytes, v9.Signatures, both, merged);
        output.WriteLine($"v9 signed by v8 keys {byV8}, by v9 keys {byV9}, by both lists {combined}");
        Assert.True(byV8 > 0 && byV9 > 0);
        Assert.True(combined < byV8 + byV9, "the same physical keys were counted twice");
    }

    [SkippableFact]
    public void CountValid_OtherRealMetadata_MeetsThresholds()
    {
        Skip.If(Absent(), SharedVectors.MissingMessage);

        var pyRoot = Load("python-tuf", "repository_data", "repository", "metadata", "root.json");
        foreach (var role in new[] { "snapshot", "targets", "timestamp" })
        {
            var md = Load("python-tuf", "repository_data", "repository", "metadata", role + ".json");
            Assert.Equal(1, md.Count(pyRoot, role));
        }

        var pyTargets = Load("python-tuf", "repository_data", "repository", "metadata", "targets.json");
        Assert.Equal(1, Load("python-tuf", "repository_data", "repository", "metadata", "role1.json").Count(pyTargets, "role1"));

        var generated = Load("python-tuf", "generated_data", "ed25519_metadata", "root_with_ed25519.json");
        Assert.True(generated.Count(generated, "root") >= 1);

        var multi = Load("go-tuf", "v2-master", "multirepo", "repository", "metadata", "1.root.json");
        Assert.True(multi.Count(multi, "root") >= multi.Roles["root"].Threshold);
    }
}
