using System.Net;
using System.Net.Http.Headers;
using Tuf.Server.Auth;
using Tuf.Server.Tests.Publishing;
using Tuf.Server.Tests.TestKit;

namespace Tuf.Server.Tests.Auth;

public sealed class TokenTests
{
    [Theory]
    [InlineData("pull:example.com/app", "Pull", "example.com/app", true)]
    [InlineData("pull:example.com/app", "Push", "example.com/app", false)]
    [InlineData("push:example.com/*", "Pull", "example.com/app/sub", true)]
    [InlineData("push:example.com/*", "Push", "example.org/app", false)]
    [InlineData("push:example.com/*", "Admin", "example.com/app", false)]
    [InlineData("admin:*", "Admin", null, true)]
    [InlineData("push:*", "Admin", null, false)]
    [InlineData("pull:a push:b", "Push", "b", true)]
    [InlineData("pull:a push:b", "Push", "a", false)]
    public void Allows_ScopeAndGun_MatchesPatternAndActionOrder(string scopes, string action, string? gun, bool expected)
        => Assert.Equal(expected, TokenScopes.Parse(scopes).Allows(Enum.Parse<ScopeAction>(action), gun));

    [Theory]
    [InlineData("push")]
    [InlineData("write:*")]
    [InlineData(":x")]
    [InlineData("push:")]
    [InlineData("push:../x")]
    [InlineData("push:example.com/_trust")]
    [InlineData("pull:a\u0000b")]
    [InlineData("pull:a/b/../c*")]
    public void Parse_Malformed_Throws(string scopes) => Assert.Throws<FormatException>(() => TokenScopes.Parse(scopes));

    [Fact]
    public void Parse_TooManyOrTooLong_Throws()
    {
        Assert.Contains("More than 64", Assert.Throws<FormatException>(() => TokenScopes.Parse(string.Join(' ', Enumerable.Range(0, 65).Select(i => $"pull:g{i}")))).Message, StringComparison.Ordinal);
        Assert.Contains("longer than 4096", Assert.Throws<FormatException>(() => TokenScopes.Parse("pull:" + new string('a', 4092))).Message, StringComparison.Ordinal);
        Assert.NotNull(TokenScopes.Parse(string.Join(' ', Enumerable.Range(0, 64).Select(i => $"pull:g{i}"))));
    }

    [Theory]
    [InlineData("{\"name\":\"ci\",\"scopes\":\"delete:example.com/*\"}", "unknown action")]
    [InlineData("{\"name\":\"ci\",\"scopes\":\"push:../../x\"}", "neither '*', a collection name")]
    [InlineData("{\"name\":\"ci\",\"scopes\":\"push:example.com/*\",\"extra\":1}", null)]
    [InlineData("{\"name\":\"line\\nforged\",\"scopes\":\"push:example.com/*\"}", "no control characters")]
    public async Task MintToken_BadNameOrScopes_400NamingTheRule(string body, string? message)
    {
        using var host = ServerHost.Start();
        using var request = new HttpRequestMessage(HttpMethod.Post, "_admin/tokens") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServerHost.AdminToken);
        using var response = await host.Client.SendAsync(request);
        if (message is null)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return;
        }

        Assert.Contains(message, await ServedState.AssertErrorAsync(response, HttpStatusCode.BadRequest, "bad_request"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MintToken_NameOf100KB_400()
    {
        using var host = ServerHost.Start();
        string body = "{\"name\":\"" + new string('n', 100_000) + "\",\"scopes\":\"pull:*\"}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "_admin/tokens") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServerHost.AdminToken);
        using var response = await host.Client.SendAsync(request);
        Assert.Contains("at most 100 characters", await ServedState.AssertErrorAsync(response, HttpStatusCode.BadRequest, "bad_request"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfiguredTokenHash_PushScope_CanPublishButNotDelete()
    {
        const string token = "tuf_configured-push-token";
        using var host = ServerHost.Start(settings: new Dictionary<string, string?>
        {
            ["Auth:Tokens:0:Name"] = "ci",
            ["Auth:Tokens:0:Hash"] = TokenAuthenticator.Hash(token),
            ["Auth:Tokens:0:Scopes"] = "push:example.com/*",
        });
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/app");
        using var published = await TestCollection.PublishAsync(host.Client, c.Gun, [("root", c.SignedRoot()), ("targets", c.SignedTargets())], token: token);
        await ServedState.AssertOkAsync(published);

        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"v2/{c.Gun}/_trust/tuf/");
        delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var forbidden = await host.Client.SendAsync(delete);
        await ServedState.AssertErrorAsync(forbidden, HttpStatusCode.Forbidden, "forbidden");

        using var mint = new HttpRequestMessage(HttpMethod.Post, "_admin/tokens") { Content = new StringContent("{\"scopes\":\"admin:*\"}", System.Text.Encoding.UTF8, "application/json") };
        mint.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var notAdmin = await host.Client.SendAsync(mint);
        await ServedState.AssertErrorAsync(notAdmin, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task CreatedToken_Pull_CanReadWhenPullRequired()
    {
        using var host = ServerHost.Start(settings: new Dictionary<string, string?> { ["Auth:RequirePull"] = "true" });
        var token = await PublishValidationTests.CreateTokenAsync(host, "pull:example.com/*");
        using var request = new HttpRequestMessage(HttpMethod.Get, "example.com/app/metadata/timestamp.json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await host.Client.SendAsync(request);
        await ServedState.AssertErrorAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Publish_BodyArrivesTooSlowly_408RequestTimeout()
    {
        // Kestrel's minimum body data rate, with the shortest grace period it allows, so that the test takes seconds.
        using var host = ServerHost.Start(kestrel: o => o.Limits.MinRequestBodyDataRate = new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(240, TimeSpan.FromSeconds(1.5)));
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
        var stream = tcp.GetStream();
        string head = "POST /v2/example.com/app/_trust/tuf/ HTTP/1.1\r\nHost: x\r\n"
            + $"Authorization: Bearer {ServerHost.AdminToken}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));

        // Send nothing more: the server answers on its own once the grace period is over.
        using var reader = new StreamReader(stream);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string response = await reader.ReadToEndAsync(timeout.Token);
        Assert.StartsWith("HTTP/1.1 408", response, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"request_timeout\"", response, StringComparison.Ordinal);
    }
}
