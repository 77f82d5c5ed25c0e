using Tuf.Core.Tests.Crypto;
using Tuf.Testing;
using Tuf.Testing.Vectors;
using Xunit.Abstractions;

namespace Tuf.Core.Tests.SpecVectors;

/// <summary>
/// spec-vectors/signatures: every committed case gives its expected outcome, and re-running the deterministic
/// generator reproduces the committed files (set TUF_REGENERATE_VECTORS=1 to rewrite them instead).
/// </summary>
public class SignatureVectorTests(ITestOutputHelper output)
{
    private static string Committed => SignatureVectorGenerator.CommittedDirectory;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in CaseDirectories(Committed))
        {
            data.Add(Path.GetRelativePath(Committed, dir).Replace('\\', '/'));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SignatureVector_Case_HasExpectedOutcome(string caseName)
    {
        var vector = VectorCase.Load(Path.Combine(Committed, caseName));
        Assert.Equal(vector.Expected, vector.Verify());
    }

    [Fact]
    public void SignatureVectors_CoverEverySchemeWithValidAndInvalidCases()
    {
        foreach (var scheme in new[] { "ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "rsassa-pss-sha256", "ml-dsa-44-v1", "ml-dsa-65-v1", "ml-dsa-87-v1" })
        {
            var outcomes = CaseDirectories(Path.Combine(Committed, scheme)).Select(d => VectorCase.Load(d).Expected).ToList();
            Assert.Contains(true, outcomes);
            Assert.Contains(false, outcomes);
        }

        Assert.NotEmpty(CaseDirectories(Path.Combine(Committed, "unknown-scheme")));
    }

    [Fact]
    public void SignatureVectorGenerator_Rerun_ReproducesCommittedVectors()
    {
        if (Environment.GetEnvironmentVariable("TUF_REGENERATE_VECTORS") == "1")
        {
            SignatureVectorGenerator.Generate(Committed);
            output.WriteLine("Rewrote " + Committed);
            return;
        }

        var temp = Path.Combine(Path.GetTempPath(), "tuf-sigvectors-" + Guid.NewGuid().ToString("N"));
        try
        {
            var randomized = SignatureVectorGenerator.Generate(temp);
            var fresh = Files(temp);
            var committed = Files(Committed);
            Assert.Equal(committed.Keys.Order(StringComparer.Ordinal), fresh.Keys.Order(StringComparer.Ordinal));
            foreach (var (relative, path) in fresh)
            {
                var caseName = Path.GetDirectoryName(relative)!.Replace('\\', '/');
                if (Path.GetFileName(relative) == "sig.hex" && randomized.Contains(caseName))
                {
                    continue;
                }

                Assert.True(File.ReadAllBytes(path).AsSpan().SequenceEqual(File.ReadAllBytes(committed[relative])), relative + " differs from the committed vector");
            }

            // The regenerated randomized signatures must give the same outcomes as the committed ones.
            foreach (var dir in CaseDirectories(temp))
            {
                var vector = VectorCase.Load(dir);
                Assert.True(vector.Expected == vector.Verify(), Path.GetRelativePath(temp, dir) + " (regenerated) has the wrong outcome");
            }
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    private static IEnumerable<string> CaseDirectories(string root) =>
        Directory.Exists(root)
            ? Directory.EnumerateFiles(root, "expected.json", SearchOption.AllDirectories).Select(f => Path.GetDirectoryName(f)!).Order(StringComparer.Ordinal)
            : [];

    private static Dictionary<string, string> Files(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'), f => f, StringComparer.Ordinal);
}
