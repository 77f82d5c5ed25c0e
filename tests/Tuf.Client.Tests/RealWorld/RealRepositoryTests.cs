using Microsoft.Extensions.Time.Testing;
using Tuf.Testing;
using Xunit.Abstractions;

namespace Tuf.Client.Tests.RealWorld;

/// <summary>Repositories published by others (../shared/vectors, see its README for the expected outcomes).</summary>
public sealed class RealRepositoryTests(ITestOutputHelper output) : IDisposable
{
    private static readonly DateTimeOffset Today = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly string _temp = Directory.CreateTempSubdirectory("tuf-real-").FullName;

    private string MetadataDir => Path.Combine(_temp, "metadata");

    private string TargetDir => Path.Combine(_temp, "targets");

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private bool Missing()
    {
        if (SharedVectors.Directory is null)
        {
            output.WriteLine(SharedVectors.MissingMessage);
            return true;
        }

        return false;
    }

    private Updater NewUpdater(string trustedRootFile, string metadataDir, string? targetsDir, DateTimeOffset now, out DirectoryFetcher fetcher)
    {
        fetcher = new DirectoryFetcher(metadataDir, targetsDir);
        var options = new UpdaterOptions { TimeProvider = new FakeTimeProvider(now) };
        return new Updater(MetadataDir, DirectoryFetcher.MetadataUrl, TargetDir, DirectoryFetcher.TargetsUrl, File.ReadAllBytes(trustedRootFile), fetcher, options);
    }

    private static byte[] Vector(params string[] parts) => File.ReadAllBytes(SharedVectors.PathOf(parts));

    [SkippableFact]
    public async Task PythonTuf_RepositoryData_RefreshesAndDownloadsThroughDelegation()
    {
        Skip.If(Missing(), SharedVectors.MissingMessage);

        string repo = SharedVectors.PathOf("python-tuf", "repository_data", "repository");
        using var updater = NewUpdater(Path.Combine(repo, "metadata", "1.root.json"), Path.Combine(repo, "metadata"), Path.Combine(repo, "targets"), Today, out var fetcher);

        await updater.RefreshAsync(CancellationToken.None);
        var file1 = await updater.DownloadVerifiedAsync("file1.txt", CancellationToken.None);
        var file3 = await updater.DownloadVerifiedAsync("file3.txt", CancellationToken.None);

        Assert.Equal(File.ReadAllBytes(Path.Combine(repo, "targets", "file1.txt")), File.ReadAllBytes(file1.LocalPath));
        Assert.Equal(File.ReadAllBytes(Path.Combine(repo, "targets", "file3.txt")), File.ReadAllBytes(file3.LocalPath));
        Assert.Contains(DirectoryFetcher.MetadataUrl + "role1.json", fetcher.Requests);
    }

    [SkippableFact]
    public async Task PythonTuf_FishyRoleNames_RequestsStayQuotedAndFilesStayInside()
    {
        Skip.If(Missing(), SharedVectors.MissingMessage);

        string repo = SharedVectors.PathOf("python-tuf", "repository_data", "fishy_rolenames");
        using var updater = NewUpdater(Path.Combine(repo, "metadata", "1.root.json"), Path.Combine(repo, "metadata"), null, Today, out var fetcher);
        await updater.RefreshAsync(CancellationToken.None);

        // The first delegation, "../a", is not published here under its quoted name: the search ends with a 404 for
        // exactly that quoted name (a naive client would have fetched ../1.a.json from the parent directory).
        var ex = await Assert.ThrowsAsync<DownloadHttpException>(() => updater.GetTargetInfoAsync("anything", CancellationToken.None));
        Assert.Equal(DirectoryFetcher.MetadataUrl + "1...%2Fa.json", ex.Uri!.AbsoluteUri);
        Assert.All(Directory.GetFiles(_temp, "*", SearchOption.AllDirectories), f => Assert.StartsWith(MetadataDir, f, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task GoTuf_Multirepo_RefreshesAndDownloadsHashPrefixedTargets()
    {
        Skip.If(Missing(), SharedVectors.MissingMessage);

        string repo = SharedVectors.PathOf("go-tuf", "v2-master", "multirepo");
        using var updater = NewUpdater(Path.Combine(repo, "client", "root.json"), Path.Combine(repo, "repository", "metadata"), Path.Combine(repo, "repository", "targets"), Today, out var fetcher);

        var map = await updater.DownloadVerifiedAsync("map.json", CancellationToken.None);
        var sigstoreRoot = await updater.DownloadVerifiedAsync("sigstore-tuf-root/root.json", CancellationToken.None);

        Assert.True(new FileInfo(map.LocalPath).Length > 0);
        Assert.Equal(Vector("tough", "data", "pem-encoded-ecdsa-sig-keys", "root.json"), File.ReadAllBytes(sigstoreRoot.LocalPath));
        Assert.Contains(fetcher.Requests, r => r.EndsWith("/562fc7cffe872542a430342995998546e3949dc3acbe7d37668dc76d657032ff.map.json", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task GoTuf_DummySignatureRoot_Rejected()
    {
        Skip.If(Missing(), SharedVectors.MissingMessage);

        byte[] root = Vector("go-tuf", "v2-master", "repository_data", "repository", "metadata", "1.root.json");
        Assert.Throws<UnsignedMetadataException>(() => new TrustedMetadataSet(root, Today));
        await Task.CompletedTask;
    }

    [SkippableFact]
    public async Task SigstoreStaging_FromFirstRootBeforeExpiry_WalksToV14AndVerifiesEveryTarget()
    {
        Skip.If(Missing(), SharedVectors.MissingMessage);

        string repo = SharedVectors.PathOf("sigstore-root-signing-staging", "main");
        var when = new DateTimeOffset(2026, 8, 21, 19, 24, 0, TimeSpan.Zero);
        using var updater = NewUpdater(Path.Combine(repo, "metadata", "root_history", "1.root.json"), Path.Combine(repo, "metadata"), Path.Combine(repo, "targets"), when, out _);

        await updater.RefreshAsync(CancellationToken.None);

        Assert.Equal(14, updater.TrustedRoot!.Version);
        var targetFiles = Directory.GetFiles(Path.Combine(repo, "targets"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(repo, "targets"), f).Replace('\\', '/'))
            .Where(f => !f.EndsWith(".provenance.tsv", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(12, targetFiles.Count);
        foreach (string target in targetFiles)
        {
            var verified = await updater.DownloadVerifiedAsync(target, CancellationToken.None);
            Assert.Equal(File.ReadAllBytes(Path.Combine(repo, "targets", target)), File.ReadAllBytes(verified.LocalPath));
        }
    }

    [SkippableFact]
    public async Task SigstoreStaging_Today_RefusedAsExpired()
    {
        Skip.If(Missing(), SharedVectors.MissingMessage);

        string repo = SharedVectors.PathOf("sigstore-root-signing-staging", "main");
        using var updater = NewUpdater(Path.Combine(repo, "metadata", "root_history", "1.root.json"), Path.Combine(repo, "metadata"), null, Today, out _);

        var ex = await Assert.ThrowsAsync<ExpiredMetadataException>(() => updater.RefreshAsync(CancellationToken.None));

        Assert.Equal("root", ex.Role);
        Assert.Equal("root.json expired 2026-10-16T19:39:43Z", ex.Message);
        Assert.Equal(14, MetadataParser.Parse<Root>(File.ReadAllBytes(Path.Combine(MetadataDir, "root.json"))).Signed.Version);
    }

    [SkippableFact]
    public async Task GitHub_V1ServedOnlyV3_Fails()
    {
        Skip.If(Missing(), SharedVectors.MissingMessage);

        byte[] v1 = Vector("github-tuf-repo", "cli-cli-2024-04-01", "tuf-repo.github.com", "root.json");
        byte[] v3 = Vector("github-tuf-repo", "cli-cli-HEAD", "tuf-repo.github.com", "root.json");
        var set = new TrustedMetadataSet(v1, Today);
        Assert.Throws<BadVersionNumberException>(() => set.UpdateRoot(v3));

        // Served as a repository holding only 3.root.json: 2.root.json is missing, the chain ends at v1, which has expired.
        string dir = Path.Combine(_temp, "gh");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "3.root.json"), v3);
        File.WriteAllBytes(Path.Combine(_temp, "v1.json"), v1);
        using var updater = NewUpdater(Path.Combine(_temp, "v1.json"), dir, null, Today, out var fetcher);
        await Assert.ThrowsAsync<ExpiredMetadataException>(() => updater.RefreshAsync(CancellationToken.None));
        Assert.Equal([DirectoryFetcher.MetadataUrl + "2.root.json"], fetcher.Requests);
    }

    [SkippableFact]
    public async Task GitHub_V3AsTrustedRootWithPinnedClock_ParsesWithPlaceholderSignatures()
    {
        Skip.If(Missing(), SharedVectors.MissingMessage);

        var set = new TrustedMetadataSet(Vector("github-tuf-repo", "cli-cli-HEAD", "tuf-repo.github.com", "root.json"), Today);
        Assert.Equal(3, set.Root.Version);
        await Task.CompletedTask;
    }

    [SkippableTheory]
    [InlineData("prod.config.json")]
    [InlineData("prod.director.json")]
    public void Datadog_ExpiredShippedRoot_LoadsAsTrustedRoot(string file)
    {
        Skip.If(Missing(), SharedVectors.MissingMessage);

        var set = new TrustedMetadataSet(Vector("datadog-remote-config", file), Today);
        Assert.True(set.Root.IsExpired(Today));
        Assert.Throws<ExpiredMetadataException>(() => set.UpdateTimestamp("{}"u8));
    }

    [SkippableFact]
    public async Task Tough_RotatedRoot_EndsAtV2()
    {
        Skip.If(Missing(), SharedVectors.MissingMessage);

        string repo = SharedVectors.PathOf("tough", "data", "rotated-root");
        var set = new TrustedMetadataSet(File.ReadAllBytes(Path.Combine(repo, "1.root.json")), Today);
        set.UpdateRoot(File.ReadAllBytes(Path.Combine(repo, "2.root.json")));
        Assert.Equal(2, set.Root.Version);
        Assert.False(set.Root.IsExpired(Today));

        using var updater = NewUpdater(Path.Combine(repo, "1.root.json"), repo, null, Today, out _);
        try
        {
            await updater.RefreshAsync(CancellationToken.None);
        }
        catch (RepositoryException ex)
        {
            output.WriteLine("refresh after the root chain: " + ex.Message);
        }

        Assert.Equal(2, MetadataParser.Parse<Root>(File.ReadAllBytes(Path.Combine(MetadataDir, "root.json"))).Signed.Version);
    }

    [SkippableFact]
    public async Task Tough_ExpiredRepository_RefusedForExpiredTimestamp()
    {
        Skip.If(Missing(), SharedVectors.MissingMessage);

        string repo = SharedVectors.PathOf("tough", "data", "expired-repository", "metadata");
        using var updater = NewUpdater(Path.Combine(repo, "1.root.json"), repo, null, Today, out _);

        var ex = await Assert.ThrowsAsync<ExpiredMetadataException>(() => updater.RefreshAsync(CancellationToken.None));
        Assert.Equal("timestamp", ex.Role);
        Assert.False(File.Exists(Path.Combine(MetadataDir, "timestamp.json")));
    }

    [SkippableFact]
    public async Task Tough_ConsistentSnapshots_DownloadsHashPrefixedTargets()
    {
        Skip.If(Missing(), SharedVectors.MissingMessage);

        string repo = SharedVectors.PathOf("tough", "data", "consistent-snapshots");
        using var updater = NewUpdater(Path.Combine(repo, "metadata", "1.root.json"), Path.Combine(repo, "metadata"), Path.Combine(repo, "targets"), new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), out _);

        try
        {
            var data1 = await updater.DownloadVerifiedAsync("data1.txt", CancellationToken.None);
            Assert.True(File.Exists(data1.LocalPath));
        }
        catch (ExpiredMetadataException ex)
        {
            output.WriteLine("tough consistent-snapshots metadata expired at the pinned clock: " + ex.Message);
        }
    }

    [SkippableFact]
    public async Task Tough_DubiousRoleNames_QuotedInUrlsAndFileNames()
    {
        Skip.If(Missing(), SharedVectors.MissingMessage);

        string repo = SharedVectors.PathOf("tough", "data", "dubious-role-names");
        using var updater = NewUpdater(Path.Combine(repo, "metadata", "1.root.json"), Path.Combine(repo, "metadata"), Path.Combine(repo, "targets"), Today, out var fetcher);

        Assert.Null(await updater.GetTargetInfoAsync("foo", CancellationToken.None));
        var one = await updater.DownloadVerifiedAsync("1.txt", CancellationToken.None);

        Assert.Equal(File.ReadAllBytes(Path.Combine(repo, "targets", "1.txt")), File.ReadAllBytes(one.LocalPath));
        Assert.Contains(DirectoryFetcher.MetadataUrl + "..%2F..%2Fpath%2Flike%2Fdubious.json", fetcher.Requests);
        Assert.True(File.Exists(Path.Combine(MetadataDir, "..%2F..%2Fpath%2Flike%2Fdubious.json")));
        Assert.True(File.Exists(Path.Combine(MetadataDir, "%F0%9F%8D%BA%2F30.json")));
        Assert.All(Directory.GetFiles(_temp, "*", SearchOption.AllDirectories), f => Assert.StartsWith(_temp + "/", f, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Tough_SafeTargetPaths_NeverWriteOutsideTheTargetDirectory()
    {
        Skip.If(Missing(), SharedVectors.MissingMessage);

        string repo = SharedVectors.PathOf("tough", "data", "safe-target-paths");
        using var updater = NewUpdater(Path.Combine(repo, "metadata", "1.root.json"), Path.Combine(repo, "metadata"), Path.Combine(repo, "targets"), Today, out _);

        foreach (string target in new[] { "foo/../bar/../baz/../data1.txt", "foo/bar/baz/../data2.txt", "../delegated/foo/../subdir/data3.txt" })
        {
            var info = await updater.GetTargetInfoAsync(target, CancellationToken.None);
            if (info is null)
            {
                // "../delegated/..." does not match the delegation's "delegated/*", so it is not trusted: that is correct.
                output.WriteLine($"{target}: not delegated");
                continue;
            }

            try
            {
                string path = await updater.DownloadTargetAsync(info, null, null, CancellationToken.None);
                Assert.Equal(TargetDir, Path.GetDirectoryName(path));
            }
            catch (DownloadHttpException ex)
            {
                output.WriteLine($"{target}: {ex.Message}");
            }
        }

        Assert.All(Directory.GetFiles(_temp, "*", SearchOption.AllDirectories), f => Assert.StartsWith(_temp + "/", f, StringComparison.Ordinal));
        Assert.All(Directory.GetFiles(TargetDir), f => Assert.Equal(TargetDir, Path.GetDirectoryName(f)));
    }

    [SkippableTheory]
    [InlineData("no-root-json-signatures", typeof(UnsignedMetadataException))]
    [InlineData("invalid-root-json-signature", typeof(UnsignedMetadataException))]
    [InlineData("mismatched-root-json-keyids", typeof(UnsignedMetadataException))]
    [InlineData("duplicate-sigs", typeof(DeserializationException))] // the same keyid twice: refused at parse ("MUST be unique")
    [InlineData("duplicate-sig-keys", typeof(DeserializationException))]
    [InlineData("duplicate-keyid", typeof(DeserializationException))]
    public void Tough_BadRoots_Rejected(string dir, Type expected)
    {
        Skip.If(Missing(), SharedVectors.MissingMessage);

        string path = Directory.GetFiles(SharedVectors.PathOf("tough", "data", dir), "*root.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        var ex = Assert.ThrowsAny<RepositoryException>(() => new TrustedMetadataSet(File.ReadAllBytes(path), Today));
        Assert.IsType(expected, ex);
    }

    [SkippableFact]
    public void Tough_ExpiredRootSignature_TrustedButNotFinal()
    {
        Skip.If(Missing(), SharedVectors.MissingMessage);

        string path = Directory.GetFiles(SharedVectors.PathOf("tough", "data", "expired-root-json-signature"), "*root.json", SearchOption.AllDirectories).First();
        var set = new TrustedMetadataSet(File.ReadAllBytes(path), Today);
        var ex = Assert.Throws<ExpiredMetadataException>(() => set.UpdateTimestamp("{}"u8));
        Assert.Equal("root", ex.Role);
    }

    [SkippableTheory]
    [InlineData("notary0.1")]
    [InlineData("notary0.3")]
    public void Notary_V1Dialect_Rejected(string version)
    {
        Skip.If(Missing(), SharedVectors.MissingMessage);

        string path = Directory.GetFiles(SharedVectors.PathOf("notary", "fixtures", "compatibility", version), "root.json", SearchOption.AllDirectories).First();
        Assert.ThrowsAny<RepositoryException>(() => new TrustedMetadataSet(File.ReadAllBytes(path), Today));
    }
}
