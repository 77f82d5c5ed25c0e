using Tuf.Client;

namespace Tuf.Signing.Tests;

/// <summary>Every repository shape the editor makes, refreshed and downloaded by our own client (Tuf.Client.Updater).</summary>
public sealed class UpdaterInteropTests
{
    /// <summary>Serves a repository folder for <c>file://</c> URIs; a missing file is a 404.</summary>
    private sealed class FolderFetcher : IFetcher
    {
        public List<string> Fetched { get; } = [];

        public Task<byte[]> FetchAsync(Uri uri, long maxLength, CancellationToken cancellationToken)
        {
            string path = uri.LocalPath;
            Fetched.Add(Path.GetFileName(path));
            if (!File.Exists(path))
            {
                throw new DownloadHttpException(uri, 404);
            }

            byte[] data = File.ReadAllBytes(path);
            if (data.Length > maxLength)
            {
                throw new DownloadLengthExceededException(uri.ToString(), maxLength);
            }

            return Task.FromResult(data);
        }

        public async Task<Stream> OpenAsync(Uri uri, long maxLength, CancellationToken cancellationToken) =>
            new MemoryStream(await FetchAsync(uri, maxLength, cancellationToken));
    }

    private static async Task<(Updater Updater, FolderFetcher Fetcher, string Client)> ClientAsync(TestRepository repo, byte[] trustedRoot)
    {
        string client = repo.Directory + "-client";
        Directory.CreateDirectory(client);
        var fetcher = new FolderFetcher();
        var updater = new Updater(
            Path.Combine(client, "metadata"),
            new Uri(Path.Combine(repo.Directory, "metadata") + "/"),
            Path.Combine(client, "targets"),
            new Uri(Path.Combine(repo.Directory, "targets") + "/"),
            trustedRoot,
            fetcher,
            new UpdaterOptions { TimeProvider = repo.Time });
        await updater.RefreshAsync(CancellationToken.None);
        return (updater, fetcher, client);
    }

    private static async Task AssertDownloadsAsync(Updater updater, IEnumerable<(string Path, string Content)> targets)
    {
        foreach (var (path, content) in targets)
        {
            var verified = await updater.DownloadVerifiedAsync(path, CancellationToken.None);
            Assert.Equal(content, File.ReadAllText(verified.LocalPath));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Plain_ClientRefreshesAndDownloads(bool consistent)
    {
        using var repo = new TestRepository(consistent);
        var editor = repo.Open();
        await editor.AddTargetsAsync([new TargetSource("a.txt", repo.WriteSource("a.txt", "alpha")), new TargetSource("dir/b.txt", repo.WriteSource("b.txt", "beta"))]);
        editor.Save();
        await repo.CommitAsync();
        byte[] root1 = File.ReadAllBytes(Path.Combine(repo.Directory, "metadata", "1.root.json"));
        var (updater, _, _) = await ClientAsync(repo, root1);
        using (updater)
        {
            await AssertDownloadsAsync(updater, [("a.txt", "alpha"), ("dir/b.txt", "beta")]);
        }
    }

    [Fact]
    public async Task DelegatedTerminatingHashPrefixAndBins_ClientFindsEveryTarget()
    {
        using var repo = new TestRepository();
        var team = TestRepository.NewKey();
        var hashed = TestRepository.NewKey();
        var bins = TestRepository.NewKey();
        var editor = repo.Open();
        editor.Delegate("team", [team.PublicKey], 1, ["apps/*"], null, terminating: true);
        editor.Delegate("hashed", [hashed.PublicKey], 1, null, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"], terminating: false);
        editor.DelegateBins(8, [bins.PublicKey], from: "hashed");
        await editor.AddTargetsAsync([new TargetSource("apps/one", repo.WriteSource("one", "1"))], role: "team");
        editor.Save();
        await repo.CommitAsync([.. repo.AllKeys, team, hashed, bins]);

        editor = repo.Open();
        var many = Enumerable.Range(0, 20).Select(i => ($"pkg/{i}.bin", $"content {i}")).ToList();
        await editor.AddTargetsAsync(many.Select(t => new TargetSource(t.Item1, repo.WriteSource(t.Item1.Replace('/', '_'), t.Item2))).ToList(), role: "hashed");
        editor.Save();
        await repo.CommitAsync(repo.Snapshot, repo.Timestamp, bins);

        var (updater, _, _) = await ClientAsync(repo, File.ReadAllBytes(Path.Combine(repo.Directory, "metadata", "1.root.json")));
        using (updater)
        {
            await AssertDownloadsAsync(updater, [("apps/one", "1"), .. many]);
        }
    }

    [Fact]
    public async Task AfterRootAndOnlineKeyRotation_ClientWithOldRootUpdates()
    {
        using var repo = new TestRepository();
        var editor = repo.Open();
        await editor.AddTargetsAsync([new TargetSource("a", repo.WriteSource("a", "v1"))]);
        editor.Save();
        await repo.CommitAsync();
        byte[] root1 = File.ReadAllBytes(Path.Combine(repo.Directory, "metadata", "1.root.json"));
        var (first, _, client) = await ClientAsync(repo, root1);
        first.Dispose();

        var newRoot = TestRepository.NewKey();
        var newTimestamp = TestRepository.NewKey();
        var newSnapshot = TestRepository.NewKey();
        editor = repo.Open();
        editor.RotateKeys("root", [repo.RootKeys[0].KeyId], [newRoot.PublicKey]);
        editor.RotateKeys("timestamp", [repo.Timestamp.KeyId], [newTimestamp.PublicKey]);
        editor.RotateKeys("snapshot", [repo.Snapshot.KeyId], [newSnapshot.PublicKey]);
        await editor.AddTargetsAsync([new TargetSource("a", repo.WriteSource("a2", "v2"))]);
        editor.Save();
        await repo.CommitAsync(repo.RootKeys[0], newRoot, repo.Targets, newSnapshot, newTimestamp);

        // The same client folder (trusting root v1 and the old timestamp/snapshot) refreshes to root v2.
        var fetcher = new FolderFetcher();
        using var updater = new Updater(Path.Combine(client, "metadata"), new Uri(Path.Combine(repo.Directory, "metadata") + "/"),
            Path.Combine(client, "targets2"), new Uri(Path.Combine(repo.Directory, "targets") + "/"), root1, fetcher, new UpdaterOptions { TimeProvider = repo.Time });
        await updater.RefreshAsync(CancellationToken.None);
        Assert.Equal(2, updater.TrustedRoot!.Version);
        await AssertDownloadsAsync(updater, [("a", "v2")]);
    }

    [Fact]
    public async Task EveryScheme_RootEd25519_TargetsSnapshotTimestampMLDsa_DelegatesEcdsaRsaAndMLDsa_RefreshesAndDownloads()
    {
        using var repo = new TestRepository(rootType: SigningKeyType.Ed25519, targetsType: SigningKeyType.MLDsa65,
            snapshotType: SigningKeyType.MLDsa44, timestampType: SigningKeyType.MLDsa87);
        var ecdsa = TestRepository.NewKey(SigningKeyType.EcdsaP256);
        var rsa = TestRepository.NewKey(SigningKeyType.Rsa3072);
        var mlDsa = TestRepository.NewKey(SigningKeyType.MLDsa87);
        var editor = repo.Open();
        editor.Delegate("ec", [ecdsa.PublicKey], 1, ["ec/*"], null, terminating: false);
        editor.Delegate("rs", [rsa.PublicKey], 1, ["rs/*"], null, terminating: false);
        editor.Delegate("pq", [mlDsa.PublicKey], 1, ["pq/*"], null, terminating: false);
        await editor.AddTargetsAsync([new TargetSource("top.txt", repo.WriteSource("top", "top"))]);
        await editor.AddTargetsAsync([new TargetSource("ec/a.txt", repo.WriteSource("ec", "ecdsa"))], "ec");
        await editor.AddTargetsAsync([new TargetSource("rs/a.txt", repo.WriteSource("rs", "rsa"))], "rs");
        await editor.AddTargetsAsync([new TargetSource("pq/a.txt", repo.WriteSource("pq", "ml-dsa"))], "pq");
        editor.Save();
        await repo.CommitAsync([.. repo.AllKeys, ecdsa, rsa, mlDsa]);

        var root = File.ReadAllBytes(Path.Combine(repo.Directory, "metadata", "1.root.json"));
        var (updater, _, _) = await ClientAsync(repo, root);
        using (updater)
        {
            await AssertDownloadsAsync(updater, [("top.txt", "top"), ("ec/a.txt", "ecdsa"), ("rs/a.txt", "rsa"), ("pq/a.txt", "ml-dsa")]);
        }

        var schemes = MetadataParser.Parse<Root>(root).Signed.Keys.Values.Select(k => k.Scheme).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["ed25519", "ml-dsa-44/1", "ml-dsa-65/1", "ml-dsa-87/1"], schemes);
    }
}
