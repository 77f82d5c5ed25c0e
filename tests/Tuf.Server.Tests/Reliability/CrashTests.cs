using System.Net;
using System.Text.Json;
using Tuf.Server.Tests.TestKit;
using Xunit.Abstractions;

namespace Tuf.Server.Tests.Reliability;

public sealed class CrashTests(ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Server_KilledDuringPublishesRepeatedly_RestartsWithCompleteStateAndNoAcknowledgedPublishLost(string provider)
    {
        var dataDir = TestKit.TestDirs.New("tuf-crash-").FullName;
        var settings = new Dictionary<string, string>
        {
            ["Server:DataDirectory"] = dataDir,
            ["Auth:AdminToken"] = ServerHost.AdminToken,
        };
        if (provider == "postgres")
        {
            var cs = PostgresCluster.CreateDatabase();
            Skip.If(cs is null, "SKIPPED (PostgreSQL unavailable): " + PostgresCluster.UnavailableReason);

            settings["Storage:Provider"] = "postgres";
            settings["Storage:ConnectionString"] = cs;
            settings["Server:KeyEncryptionKey"] = Convert.ToBase64String(new byte[32]);
        }
        var acked = new List<AcceptedPublish>();
        TestCollection? c = null;
        byte[]? trustedRoot = null;
        try
        {
            for (int round = 0; round < 5; round++)
            {
                using var server = await ServerProcess.StartAsync(settings);
                if (c is null)
                {
                    c = await TestCollection.CreateAsync(server.Client, "example.com/crashy");
                    await ServedState.AssertOkAsync(await c.PublishInitialAsync(server.Client));
                    trustedRoot = c.SignedRoot();
                }

                // After every restart the collection serves a complete, verifiable state holding every acknowledged publish.
                var state = await CollectionVerifier.VerifyAsync(server.Client, c.Gun, trustedRoot!, DateTimeOffset.UtcNow);
                await AssertAckedServedAsync(server.Client, c, acked, state);

                // Publish continuously from several writers and kill the process mid-stream.
                int ackedBefore = acked.Count;
                using var stop = new CancellationTokenSource();
                var writers = Enumerable.Range(0, 3).Select(w => Task.Run(() => PublishUntilFailureAsync(server.Client, c, w, round, acked, stop.Token))).ToList();
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (CountOf(acked) < ackedBefore + 4 + round && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(5);
                }

                server.Kill();
                await stop.CancelAsync();
                await Task.WhenAll(writers);
                output.WriteLine($"round {round}: acknowledged {acked.Count - ackedBefore} publishes before SIGKILL");
                Assert.True(acked.Count > ackedBefore, "no publish was acknowledged in round " + round + ": " + server.Output);
            }

            using var final = await ServerProcess.StartAsync(settings);
            var finalState = await CollectionVerifier.VerifyAsync(final.Client, c!.Gun, trustedRoot!, DateTimeOffset.UtcNow);
            await AssertAckedServedAsync(final.Client, c, acked, finalState);
        }
        finally
        {
            c?.Dispose();
        }
    }

    private static int CountOf(List<AcceptedPublish> acked)
    {
        lock (acked)
        {
            return acked.Count;
        }
    }

    private static async Task AssertAckedServedAsync(HttpClient client, TestCollection c, List<AcceptedPublish> acked, VerifiedState state)
    {
        List<AcceptedPublish> copy;
        lock (acked)
        {
            copy = [.. acked];
        }

        if (copy.Count == 0)
        {
            return;
        }

        Assert.True(state.TargetsVersion >= copy.Max(a => a.TargetsVersion), $"served targets v{state.TargetsVersion} is older than acknowledged v{copy.Max(a => a.TargetsVersion)}");
        foreach (var a in copy)
        {
            using var response = await client.GetAsync($"{c.Gun}/metadata/{a.TargetsVersion}.targets.json");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(a.TargetsBytes, await response.Content.ReadAsByteArrayAsync());
        }
    }

    private static async Task PublishUntilFailureAsync(HttpClient client, TestCollection c, int writer, int round, List<AcceptedPublish> acked, CancellationToken stop)
    {
        for (int n = 0; !stop.IsCancellationRequested; n++)
        {
            try
            {
                using var current = await client.GetAsync($"{c.Gun}/metadata/targets.json", stop);
                var targets = MetadataParser.Parse<Targets>(await current.Content.ReadAsByteArrayAsync(stop)).Signed;
                targets.Version++;
                targets.UnrecognizedFields["x-writer"] = JsonDocument.Parse($"\"{round}-{writer}-{n}\"").RootElement.Clone();
                var bytes = TestCollection.Sign(targets, c.TargetsKey);
                using var response = await TestCollection.PublishAsync(client, c.Gun, [("targets", bytes)]);
                if (response.StatusCode == HttpStatusCode.Conflict)
                {
                    continue;
                }

                await ServedState.AssertOkAsync(response);
                using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(stop));
                lock (acked)
                {
                    acked.Add(new AcceptedPublish(targets.Version, doc.RootElement.GetProperty("versions").GetProperty("timestamp").GetInt64(), bytes));
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                // The server died under us: whatever was not acknowledged may or may not have landed.
                return;
            }
        }
    }
}
