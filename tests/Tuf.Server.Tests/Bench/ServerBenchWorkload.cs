using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Tuf.Server.Tests.TestKit;
using Xunit.Abstractions;

namespace Tuf.Server.Tests.Bench;

/// <summary>
/// The workload of bench/scripts/server-bench.sh. Runs only when TUF_BENCH_SERVER_URL is set (otherwise it passes
/// with a message): creates a 1,000-target collection on that server, measures publishes that add one target, and
/// writes the served files to TUF_BENCH_OUT for nginx to serve the same bytes.
/// </summary>
public sealed class ServerBenchWorkload(ITestOutputHelper output)
{
    [Fact]
    public async Task Workload_WhenBenchServerGiven_PublishesAndWritesFiles()
    {
        var url = Environment.GetEnvironmentVariable("TUF_BENCH_SERVER_URL");
        var outDir = Environment.GetEnvironmentVariable("TUF_BENCH_OUT");
        if (string.IsNullOrEmpty(url) || string.IsNullOrEmpty(outDir))
        {
            output.WriteLine("TUF_BENCH_SERVER_URL/TUF_BENCH_OUT not set: benchmark workload skipped (run bench/scripts/server-bench.sh).");
            return;
        }

        using var client = new HttpClient { BaseAddress = new Uri(url) };
        const string gun = "bench.example.com/app";
        using var c = await TestCollection.CreateAsync(client, gun);
        for (int i = 0; i < 1000; i++)
        {
            c.AddTarget($"files/file-{i:D4}.bin", "content " + i);
        }

        await ServedState.AssertOkAsync(await c.PublishInitialAsync(client));

        // Warm up, then measure: each publish adds one target to the 1,000-target collection.
        var server = new List<double>();
        var roundTrip = new List<double>();
        for (int i = 0; i < 60; i++)
        {
            c.Targets.Version++;
            c.AddTarget($"new/file-{i}.bin", "new " + i);
            var bytes = c.SignedTargets();
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            using var response = await TestCollection.PublishAsync(client, gun, [("targets", bytes)]);
            var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            await ServedState.AssertOkAsync(response);
            if (i >= 10)
            {
                roundTrip.Add(elapsed);
                var timing = response.Headers.GetValues("Server-Timing").Single();
                server.Add(double.Parse(timing[(timing.IndexOf("dur=", StringComparison.Ordinal) + 4)..], CultureInfo.InvariantCulture));
            }
        }

        static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"publish (add 1 target to 1,000): server-side median {Median(server):F1} ms, p90 {server.Order().ElementAt(server.Count * 9 / 10):F1} ms; round trip median {Median(roundTrip):F1} ms (n={server.Count}, targets.json {c.SignedTargets().Length} bytes)");
        output.WriteLine(summary);
        Directory.CreateDirectory(Path.Combine(outDir, gun, "metadata"));
        await File.WriteAllTextAsync(Path.Combine(outDir, "publish.txt"), summary + "\n");
        foreach (var file in new[] { "timestamp.json", "targets.json" })
        {
            using var response = await client.GetAsync($"{gun}/metadata/{file}");
            await File.WriteAllBytesAsync(Path.Combine(outDir, gun, "metadata", file), await response.Content.ReadAsByteArrayAsync());
        }
    }
}
