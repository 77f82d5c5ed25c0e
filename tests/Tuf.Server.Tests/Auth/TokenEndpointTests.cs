using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Tuf.Server.Tests.TestKit;

namespace Tuf.Server.Tests.Auth;

/// <summary>
/// Docker's token authentication as the notary and docker clients use it: the 401 challenge names the realm and the
/// scope, the token endpoint trades Basic credentials (a server token as password) for a short-lived bearer token
/// limited to what was asked and allowed, and static tokens keep working.
/// </summary>
public sealed class TokenEndpointTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly ServerHost _host;

    public TokenEndpointTests() => _host = ServerHost.Start(time: _time);

    public void Dispose() => _host.Dispose();

    private async Task<string> MintAsync(string scopes)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "_admin/tokens") { Content = new StringContent($"{{\"scopes\":\"{scopes}\"}}", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServerHost.AdminToken);
        using var response = await _host.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("token").GetString()!;
    }

    private async Task<(HttpStatusCode Status, string? Token, string Body)> TokenAsync(string query, string? password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "_token?service=tuf-server&" + query);
        if (password is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("someone:" + password)));
        }

        using var response = await _host.Client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (response.StatusCode, null, body);
        }

        using var doc = JsonDocument.Parse(body);
        Assert.Equal(doc.RootElement.GetProperty("token").GetString(), doc.RootElement.GetProperty("access_token").GetString());
        Assert.Equal(300, doc.RootElement.GetProperty("expires_in").GetInt32());
        return (response.StatusCode, doc.RootElement.GetProperty("token").GetString(), body);
    }

    private async Task<HttpStatusCode> KeyAsync(string gun, string? bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{gun}/_trust/tuf/timestamp.key");
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await _host.Client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task A_request_without_a_token_is_challenged_with_the_realm_and_the_scope()
    {
        using var response = await _host.Client.GetAsync("v2/example.com/app/_trust/tuf/timestamp.key");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal($"Bearer realm=\"{_host.BaseAddress.AbsoluteUri}_token\",service=\"tuf-server\",scope=\"repository:example.com/app:pull,push\"",
            response.Headers.WwwAuthenticate.ToString());

        using var ping = await _host.Client.GetAsync("v2/");
        Assert.Equal(HttpStatusCode.Unauthorized, ping.StatusCode);
        Assert.Equal($"Bearer realm=\"{_host.BaseAddress.AbsoluteUri}_token\",service=\"tuf-server\"", ping.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Basic_credentials_buy_a_bearer_token_limited_to_the_scopes_asked_and_allowed()
    {
        string pusher = await MintAsync("push:example.com/*");
        var (status, token, _) = await TokenAsync("scope=repository:example.com/app:pull,push,*", pusher);
        Assert.Equal(HttpStatusCode.OK, status);

        // push (and so the key endpoint) on the asked collection; not admin (not allowed), not another collection (not asked).
        Assert.Equal(HttpStatusCode.OK, await KeyAsync("example.com/app", token));
        Assert.Equal(HttpStatusCode.Forbidden, await KeyAsync("example.com/other", token));
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "v2/example.com/app/_trust/tuf/");
        delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using (var deleted = await _host.Client.SendAsync(delete))
        {
            Assert.Equal(HttpStatusCode.Forbidden, deleted.StatusCode);
        }

        // The ping accepts it; a pull-only request gives a pull-only token.
        using var ping = new HttpRequestMessage(HttpMethod.Get, "v2/");
        ping.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using (var pinged = await _host.Client.SendAsync(ping))
        {
            Assert.Equal(HttpStatusCode.OK, pinged.StatusCode);
        }

        var (_, pullOnly, _) = await TokenAsync("scope=repository:example.com/app:pull", pusher);
        Assert.Equal(HttpStatusCode.Forbidden, await KeyAsync("example.com/app", pullOnly));

        // Several scope parameters, GUNs with a port.
        var (_, two, _) = await TokenAsync("scope=repository:127.0.0.1:5000/web:push&scope=repository:example.com/b:push", await MintAsync("push:*"));
        Assert.Equal(HttpStatusCode.OK, await KeyAsync("127.0.0.1:5000/web", two));
        Assert.Equal(HttpStatusCode.OK, await KeyAsync("example.com/b", two));
    }

    [Fact]
    public async Task Issued_tokens_expire_and_cannot_be_altered()
    {
        string admin = ServerHost.AdminToken;
        var (_, token, _) = await TokenAsync("scope=repository:example.com/app:push", admin);
        Assert.Equal(HttpStatusCode.OK, await KeyAsync("example.com/app", token));

        // One changed character of the payload or the MAC: refused.
        int dot = token!.IndexOf('.', StringComparison.Ordinal);
        string alteredPayload = token[..(dot - 2)] + (token[dot - 2] == 'A' ? 'B' : 'A') + token[(dot - 1)..];
        string alteredMac = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];
        Assert.Equal(HttpStatusCode.Unauthorized, await KeyAsync("example.com/app", alteredPayload));
        Assert.Equal(HttpStatusCode.Unauthorized, await KeyAsync("example.com/app", alteredMac));

        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await KeyAsync("example.com/app", token));

        // Static tokens keep working as they are.
        Assert.Equal(HttpStatusCode.OK, await KeyAsync("example.com/app", admin));
    }

    [Fact]
    public async Task Anonymous_requests_get_pull_only_and_wrong_credentials_get_nothing()
    {
        var (status, anonymous, _) = await TokenAsync("scope=repository:example.com/app:pull,push", null);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.Forbidden, await KeyAsync("example.com/app", anonymous));

        var (refused, _, body) = await TokenAsync("scope=repository:example.com/app:pull", "tuf_not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, refused);
        Assert.Contains("\"code\":\"unauthorized\"", body, StringComparison.Ordinal);

        var (bad, _, badBody) = await TokenAsync("scope=registry:catalog:*", ServerHost.AdminToken);
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Contains("is not repository:NAME:ACTIONS", badBody, StringComparison.Ordinal);

        var (badGun, _, _) = await TokenAsync("scope=repository:../x:pull", ServerHost.AdminToken);
        Assert.Equal(HttpStatusCode.BadRequest, badGun);
    }

    [Fact]
    public async Task Behind_a_proxy_the_challenge_names_the_configured_realm()
    {
        using var host = ServerHost.Start(settings: new Dictionary<string, string?> { ["Auth:TokenRealm"] = "https://trust.example.com/_token" });
        using var response = await host.Client.GetAsync("v2/");
        Assert.Equal("Bearer realm=\"https://trust.example.com/_token\",service=\"tuf-server\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task With_private_reads_anonymous_requests_get_no_pull()
    {
        using var host = ServerHost.Start(settings: new Dictionary<string, string?> { ["Auth:RequirePull"] = "true" });
        using var response = await host.Client.GetAsync("_token?service=tuf-server&scope=repository:example.com/app:pull");
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        using var read = new HttpRequestMessage(HttpMethod.Get, "v2/example.com/app/_trust/tuf/root.json");
        read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", doc.RootElement.GetProperty("token").GetString());
        using var answer = await host.Client.SendAsync(read);
        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
    }
}
