using System.Net;

namespace Tuf.Server.Tests.TestKit;

/// <summary>What a verifying client concluded about a collection.</summary>
internal sealed record VerifiedState(long RootVersion, long TimestampVersion, long SnapshotVersion, long TargetsVersion, Targets Targets);

/// <summary>
/// A compact TUF client workflow over the standard layout (root chain, timestamp, snapshot, targets; thresholds,
/// versions, lengths and hashes), used to check that a collection serves a complete verifiable state.
/// </summary>
internal static class CollectionVerifier
{
    public static async Task<VerifiedState> VerifyAsync(HttpClient client, string gun, byte[] trustedRoot, DateTimeOffset now)
    {
        var root = MetadataParser.Parse<Root>(trustedRoot).Signed;
        for (var v = root.Version + 1; ; v++)
        {
            using var response = await client.GetAsync($"{gun}/metadata/{v}.root.json");
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                break;
            }

            response.EnsureSuccessStatusCode();
            var env = MetadataParser.Parse<Root>(await response.Content.ReadAsByteArrayAsync());
            ThresholdVerifier.Verify("root", env.SignedBytes.Span, env.Signatures, root.Roles["root"], root.Keys);
            ThresholdVerifier.Verify("root", env.SignedBytes.Span, env.Signatures, env.Signed.Roles["root"], env.Signed.Keys);
            Assert.Equal(v, env.Signed.Version);
            root = env.Signed;
        }

        Assert.False(root.IsExpired(now), "root expired");
        var tsBytes = await GetAsync(client, $"{gun}/metadata/timestamp.json");
        var ts = MetadataParser.Parse<Timestamp>(tsBytes);
        ThresholdVerifier.Verify("timestamp", ts.SignedBytes.Span, ts.Signatures, root.Roles["timestamp"], root.Keys);
        Assert.False(ts.Signed.IsExpired(now), "timestamp expired");

        var snapBytes = await GetAsync(client, $"{gun}/metadata/{ts.Signed.SnapshotMeta.Version}.snapshot.json");
        Digests.Verify(snapBytes, ts.Signed.SnapshotMeta.Length, ts.Signed.SnapshotMeta.Hashes, "snapshot.json");
        var snap = MetadataParser.Parse<Snapshot>(snapBytes);
        ThresholdVerifier.Verify("snapshot", snap.SignedBytes.Span, snap.Signatures, root.Roles["snapshot"], root.Keys);
        Assert.Equal(ts.Signed.SnapshotMeta.Version, snap.Signed.Version);
        Assert.False(snap.Signed.IsExpired(now), "snapshot expired");

        var targetsMeta = snap.Signed.Meta["targets.json"];
        var targetsBytes = await GetAsync(client, $"{gun}/metadata/{targetsMeta.Version}.targets.json");
        Digests.Verify(targetsBytes, targetsMeta.Length, targetsMeta.Hashes, "targets.json");
        var targets = MetadataParser.Parse<Targets>(targetsBytes);
        ThresholdVerifier.Verify("targets", targets.SignedBytes.Span, targets.Signatures, root.Roles["targets"], root.Keys);
        Assert.Equal(targetsMeta.Version, targets.Signed.Version);
        return new VerifiedState(root.Version, ts.Signed.Version, snap.Signed.Version, targets.Signed.Version, targets.Signed);
    }

    private static async Task<byte[]> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode}");
        return await response.Content.ReadAsByteArrayAsync();
    }
}
