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
    public void Parse_Malformed_Throws(string scopes) => Assert.Throws<FormatException>(() => TokenScopes.Parse(scopes));

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
}
