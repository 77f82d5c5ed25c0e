using System.Net;
using System.Reflection;
using Tuf.Server.Tests.TestKit;

namespace Tuf.Server.Tests;

public sealed class StartupTests
{
    [Fact]
    public void ServerAssembly_References_CoreButNeverClientOrCli()
    {
        var references = typeof(Program).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.Contains("Tuf.Core", references);
        Assert.DoesNotContain("Tuf.Client", references);
        Assert.DoesNotContain("tuf", references);
        Assert.DoesNotContain("Tuf.Cli", references);
        Assert.DoesNotContain("Tuf.Signing", references);
    }

    [Fact]
    public async Task Start_PostgresWithoutConnectionString_ExitsWithClearError()
    {
        var (exit, output) = await ServerProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["Storage:Provider"] = "postgres",
            ["Server:DataDirectory"] = TestKit.TestDirs.New("tuf-bad-config-").FullName,
        });
        Assert.Equal(2, exit);
        Assert.Contains("Storage:ConnectionString is required", output, StringComparison.Ordinal);
        Assert.Contains("Server:KeyEncryptionKey or Server:KeyEncryptionKeyFile is required", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BadOptionValues_ExitsWithClearError()
    {
        var (exit, output) = await ServerProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["Storage:Provider"] = "mysql",
            ["Server:KeyEncryptionKey"] = "not base64 of 32 bytes",
            ["Server:DataDirectory"] = TestKit.TestDirs.New("tuf-bad-config-").FullName,
        });
        Assert.Equal(2, exit);
        Assert.Contains("Storage:Provider must be 'sqlite' or 'postgres'", output, StringComparison.Ordinal);
        Assert.Contains("Server:KeyEncryptionKey must be base64 of exactly 32 bytes", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Server:HttpMetrics", "maybe", "System.Boolean")]
    [InlineData("Server:MaxRequestBodyBytes", "lots", "System.Int64")]
    [InlineData("Storage:SqliteSynchronousFull", "x", "System.Boolean")]
    public async Task Start_UnconvertibleOptionValue_ExitsWithClearErrorNamingTheKey(string key, string value, string type)
    {
        var (exit, output) = await ServerProcess.RunToExitAsync(new Dictionary<string, string>
        {
            [key] = value,
            ["Server:DataDirectory"] = TestKit.TestDirs.New("tuf-bad-config-").FullName,
        });
        Assert.Equal(2, exit);
        Assert.Contains($"Failed to convert configuration value '{value}' at '{key}' to type '{type}'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NoTokenConfigured_CreatesAdminTokenLogsItOnceAndStoresOnlyItsHash()
    {
        var dataDir = TestKit.TestDirs.New("tuf-first-start-").FullName;
        var settings = new Dictionary<string, string> { ["Server:DataDirectory"] = dataDir };
        string token;
        using (var first = await ServerProcess.StartAsync(settings))
        {
            var match = System.Text.RegularExpressions.Regex.Match(first.Output, "tuf_[A-Za-z0-9_-]{43}");
            Assert.True(match.Success, first.Output);
            token = match.Value;

            using var request = new HttpRequestMessage(HttpMethod.Get, "v2/example.com/app/_trust/tuf/timestamp.key");
            using var anonymous = await first.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            using var authorized = new HttpRequestMessage(HttpMethod.Get, "v2/example.com/app/_trust/tuf/timestamp.key");
            authorized.Headers.Authorization = new("Bearer", token);
            using var ok = await first.Client.SendAsync(authorized);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // The database holds the hash, never the token; a restart does not print a new one.
        var db = await File.ReadAllBytesAsync(Path.Combine(dataDir, "tuf.db"));
        var wal = File.Exists(Path.Combine(dataDir, "tuf.db-wal")) ? await File.ReadAllBytesAsync(Path.Combine(dataDir, "tuf.db-wal")) : [];
        var all = System.Text.Encoding.Latin1.GetString([.. db, .. wal]);
        Assert.DoesNotContain(token, all, StringComparison.Ordinal);
        Assert.Contains(Tuf.Server.Auth.TokenAuthenticator.Hash(token), all, StringComparison.Ordinal);
        using var second = await ServerProcess.StartAsync(settings);
        Assert.DoesNotMatch("tuf_[A-Za-z0-9_-]{43}", second.Output);
    }

    [Fact]
    public async Task Health_ReadyAndMetrics_ServeText()
    {
        using var host = ServerHost.Start();
        Assert.Equal("ok", await host.Client.GetStringAsync("healthz"));
        Assert.Equal("ready", await host.Client.GetStringAsync("readyz"));
        using var _ = await host.Client.GetAsync("nope/metadata/timestamp.json");
        var metrics = await host.Client.GetStringAsync("metrics");
        Assert.Contains("# TYPE tuf_http_requests_total counter", metrics, StringComparison.Ordinal);
        Assert.Contains("tuf_http_requests_total{code=\"404\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("tuf_publishes_total 0", metrics, StringComparison.Ordinal);

        // prometheus-net's own process and runtime metrics; its per-request HTTP metrics only when asked for.
        Assert.Contains("process_cpu_seconds_total", metrics, StringComparison.Ordinal);
        Assert.Contains("dotnet_collection_count_total", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("http_requests_received_total", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_HttpMetricsEnabled_ServesPrometheusNetsHttpMetricsByEndpoint()
    {
        using var host = ServerHost.Start(settings: new Dictionary<string, string?> { ["Server:HttpMetrics"] = "true" });
        Assert.Equal("ok", await host.Client.GetStringAsync("healthz"));
        var metrics = await host.Client.GetStringAsync("metrics");
        Assert.Contains("http_requests_received_total{code=\"200\",method=\"GET\"", metrics, StringComparison.Ordinal);
        Assert.Contains("http_request_duration_seconds_bucket", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_RequirePullWithoutToken_Returns401()
    {
        using var host = ServerHost.Start(settings: new Dictionary<string, string?> { ["Auth:RequirePull"] = "true" });
        using var response = await host.Client.GetAsync("example.com/app/metadata/timestamp.json");
        await ServedState.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }
}
