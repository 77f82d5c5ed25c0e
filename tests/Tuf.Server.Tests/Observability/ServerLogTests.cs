using Tuf.Server.Tests.TestKit;

namespace Tuf.Server.Tests.Observability;

/// <summary>The real server process, started from another folder, with every logger on: what reaches its log.</summary>
public sealed class ServerLogTests
{
    private static Dictionary<string, string> Settings(string dataDirectory) => new()
    {
        ["Server:DataDirectory"] = dataDirectory,
        ["Server:KeyEncryptionKey"] = Convert.ToBase64String(new byte[32]),
        ["Auth:AdminToken"] = "tuf_log-test-admin-token",
    };

    [Fact]
    public async Task StartedFromAnotherFolder_LoadsShippedSettings_RequestsNotLoggedByDefault()
    {
        // The shipped appsettings.json keeps Microsoft.AspNetCore at Warning: when it is loaded, no request line is
        // logged at the Information level the rest of the server logs at.
        string elsewhere = TestKit.TestDirs.New("tuf-server-cwd-").FullName;
        var settings = Settings(Path.Combine(elsewhere, "data"));
        settings["Logging:LogLevel:Default"] = "Information";
        using var server = await ServerProcess.StartAsync(settings, workingDirectory: elsewhere);
        using (var response = await server.Client.GetAsync("example.com/app/metadata/timestamp.json?access_token=SECRET-A"))
        {
            Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        }

        await server.StopAsync();
        Assert.Contains($"Content root path: {elsewhere}", server.Output, StringComparison.Ordinal);
        Assert.Contains("Application is shutting down", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Request starting", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET-A", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryLoggerAtTrace_TokensInQueryRedactedAndControlCharactersEscaped()
    {
        string elsewhere = TestKit.TestDirs.New("tuf-server-cwd-").FullName;
        var settings = Settings(Path.Combine(elsewhere, "data"));
        settings["Logging:LogLevel:Default"] = "Trace";
        settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace";
        using var server = await ServerProcess.StartAsync(settings, workingDirectory: elsewhere);
        (await server.Client.GetAsync("example.com/app/metadata/timestamp.json?access_token=SECRET-A&x=1&token=SECRET-B")).Dispose();
        (await server.Client.GetAsync("a%0A%20%20%20%20forged%0Dline%1B%5B31m/metadata/x.json")).Dispose();
        await server.StopAsync();

        string log = server.Output;
        Assert.Contains("Request starting HTTP/1.1 GET", log, StringComparison.Ordinal);
        Assert.Contains("access_token=REDACTED&x=1&token=REDACTED", log, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET-", log, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', log);
        Assert.DoesNotContain('\r', log);
        Assert.Contains("/a\\u000a    forged\\u000dline\\u001b[31m/metadata/x.json", log, StringComparison.Ordinal);
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines.Where(l => l.Contains("forged", StringComparison.Ordinal)), l => Assert.Matches(@"^\d{4}-\d\d-\d\dT[\d:.]+Z \w{4} ", l));
    }
}
