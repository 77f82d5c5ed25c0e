using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Tuf.Server.Tests.TestKit;

/// <summary>One accepted publish as its client saw it.</summary>
internal sealed record AcceptedPublish(long TargetsVersion, long TimestampVersion, byte[] TargetsBytes);

/// <summary>
/// Concurrent writers on one collection: each reads the current targets version, signs version+1 adding its own
/// target, publishes, and on 409 re-reads and retries (as a real client would). Meanwhile readers verify the
/// served state over and over.
/// </summary>
internal static class PublishWorkload
{
    public static async Task<(IReadOnlyList<AcceptedPublish> Accepted, int Conflicts, int Reads)> RunAsync(
        TestCollection c, IReadOnlyList<HttpClient> clients, int writers, int publishesPerWriter, byte[] trustedRoot)
    {
        var accepted = new ConcurrentBag<AcceptedPublish>();
        int conflicts = 0;
        int reads = 0;
        int busy = 0;
        using var done = new CancellationTokenSource();

        var readers = clients.Select(client => Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                // Readers never see a snapshot that does not match its targets (the verifier checks the whole chain).
                await CollectionVerifier.VerifyAsync(client, c.Gun, trustedRoot, DateTimeOffset.UtcNow);
                Interlocked.Increment(ref reads);
            }
        })).ToList();

        var writerTasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var client = clients[w % clients.Count];
            for (int n = 0; n < publishesPerWriter;)
            {
                using var current = await client.GetAsync($"{c.Gun}/metadata/targets.json");
                var targets = MetadataParser.Parse<Targets>(await current.Content.ReadAsByteArrayAsync()).Signed;
                targets.Version++;
                var data = System.Text.Encoding.UTF8.GetBytes($"writer {w} publish {n}");
                targets.TargetFiles[$"w{w}/p{n}.txt"] = new TargetFile
                {
                    Path = $"w{w}/p{n}.txt",
                    Length = data.Length,
                    Hashes = new Dictionary<string, string> { ["sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data)) },
                };
                var bytes = TestCollection.Sign(targets, c.TargetsKey);
                using var response = await TestCollection.PublishAsync(client, c.Gun, [("targets", bytes)]);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    // More writers than the server's publish slots: do what a client should, wait and send again.
                    await ServedState.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, "busy");
                    Interlocked.Increment(ref busy);
                    await Task.Delay(10);
                    continue;
                }

                if (response.StatusCode == HttpStatusCode.Conflict)
                {
                    Interlocked.Increment(ref conflicts);
                    var body = await response.Content.ReadAsStringAsync();
                    Assert.Contains("\"code\"", body, StringComparison.Ordinal);
                    continue;
                }

                await ServedState.AssertOkAsync(response);
                using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                var versions = doc.RootElement.GetProperty("versions");
                Assert.Equal(targets.Version, versions.GetProperty("targets").GetInt64());
                accepted.Add(new AcceptedPublish(targets.Version, versions.GetProperty("timestamp").GetInt64(), bytes));
                n++;
            }
        })).ToList();

        try
        {
            await Task.WhenAll(writerTasks);
        }
        finally
        {
            await done.CancelAsync();
            await Task.WhenAll(readers);
        }

        return (accepted.ToList(), conflicts, reads);
    }

    /// <summary>Each accepted publish has its own version, none is lost, and every one is served byte for byte.</summary>
    public static async Task AssertNoneLostAsync(HttpClient client, TestCollection c, IReadOnlyList<AcceptedPublish> accepted, long firstVersion)
    {
        Assert.Equal(accepted.Count, accepted.Select(a => a.TargetsVersion).Distinct().Count());
        Assert.Equal(accepted.Count, accepted.Select(a => a.TimestampVersion).Distinct().Count());
        Assert.Equal(Enumerable.Range((int)firstVersion, accepted.Count).Select(i => (long)i), accepted.Select(a => a.TargetsVersion).Order());
        foreach (var a in accepted)
        {
            using var response = await client.GetAsync($"{c.Gun}/metadata/{a.TargetsVersion}.targets.json");
            Assert.Equal(a.TargetsBytes, await response.Content.ReadAsByteArrayAsync());
        }

        // Another replica's publish shows in this one's current files within Server:CurrentCacheTtl (1 s).
        Targets final;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            using var latest = await client.GetAsync($"{c.Gun}/metadata/targets.json");
            final = MetadataParser.Parse<Targets>(await latest.Content.ReadAsByteArrayAsync()).Signed;
            if (final.Version == firstVersion + accepted.Count - 1 || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Equal(firstVersion + accepted.Count - 1, final.Version);

        // Every writer's every target survived: no publish overwrote another's work.
        Assert.Equal(accepted.Count + c.Targets.TargetFiles.Count, final.TargetFiles.Count);
    }
}
