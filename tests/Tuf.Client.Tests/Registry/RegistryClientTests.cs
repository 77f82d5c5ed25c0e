using System.Net;
using System.Security.Cryptography;
using System.Text;
using Tuf.Client.Registry;

namespace Tuf.Client.Tests.Registry;

/// <summary>
/// The registry handshake as Docker does it: anonymous, then a bearer token from the realm the 401 names (with the
/// credentials <c>docker login</c> stored), or HTTP Basic; and the checks on what comes back. (The real registry is
/// exercised by the swarm tests; this registry is a fake that lets every branch be reached.)
/// </summary>
public sealed class RegistryClientTests : IDisposable
{
    private static readonly byte[] s_manifest = Encoding.UTF8.GetBytes("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}""");
    private static readonly string s_digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(s_manifest));
    private readonly string _config = Directory.CreateTempSubdirectory("tuf-docker-config-").FullName;

    public void Dispose() => Directory.Delete(_config, recursive: true);

    [Fact]
    public async Task GetManifest_TokenFlowWithStoredCredentials_SendsThemToTheRealmAndTheTokenToTheRegistry()
    {
        Login("registry.example.com", "alice", "s3cret");
        var registry = new FakeRegistry { Challenge = "Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\",scope=\"repository:team/web:pull\"", RequiredUser = ("alice", "s3cret") };
        using var client = new RegistryClient(dockerConfig: _config, handler: registry);

        var manifest = await client.GetManifestAsync(ImageReference.Parse("registry.example.com/team/web:v1"), "v1", CancellationToken.None);

        Assert.Equal(s_digest, manifest.Digest);
        Assert.Equal(s_manifest, manifest.Bytes);
        Assert.Equal("application/vnd.oci.image.manifest.v1+json", manifest.MediaType);
        var tokenRequest = Assert.Single(registry.Requests, r => r.Host == "auth.example.com");
        Assert.Contains("service=registry.example.com", tokenRequest.Query, StringComparison.Ordinal);
        Assert.Contains("scope=repository%3Ateam%2Fweb%3Apull", tokenRequest.Query, StringComparison.Ordinal);
        Assert.Equal("https://registry.example.com/v2/team/web/manifests/v1", registry.Requests[^1].AbsoluteUri);
        Assert.All(registry.Accepts, a => Assert.Contains("application/vnd.docker.distribution.manifest.list.v2+json", a, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetManifest_AnonymousToken_NoCredentialsNeeded()
    {
        var registry = new FakeRegistry { Challenge = "Bearer realm=\"https://auth.example.com/token\",service=\"r\"" };
        using var client = new RegistryClient(dockerConfig: _config, handler: registry);

        var manifest = await client.GetManifestAsync(ImageReference.Parse("registry.example.com/web"), s_digest, CancellationToken.None);

        Assert.Equal(s_digest, manifest.Digest);
    }

    [Fact]
    public async Task GetManifest_BasicChallengeWithoutCredentials_SaysToLogIn()
    {
        var registry = new FakeRegistry { Challenge = "Basic realm=\"registry\"" };
        using var client = new RegistryClient(dockerConfig: _config, handler: registry);

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(ImageReference.Parse("registry.example.com/web"), "v1", CancellationToken.None));

        Assert.Contains("docker login registry.example.com", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetManifest_WrongStoredPassword_SaysTheCredentialsWereRefused()
    {
        Login("registry.example.com", "alice", "wrong");
        var registry = new FakeRegistry { Challenge = "Bearer realm=\"https://auth.example.com/token\"", RequiredUser = ("alice", "s3cret") };
        using var client = new RegistryClient(dockerConfig: _config, handler: registry);

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(ImageReference.Parse("registry.example.com/web"), "v1", CancellationToken.None));

        Assert.Contains("refused the credentials", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetManifest_ContentDigestHeaderDisagrees_Refused()
    {
        var registry = new FakeRegistry { ClaimedDigest = "sha256:" + new string('0', 64) };
        using var client = new RegistryClient(dockerConfig: _config, handler: registry);

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(ImageReference.Parse("127.0.0.1:5000/web"), "v1", CancellationToken.None));

        Assert.Contains("hashes to " + s_digest, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("http://127.0.0.1:5000/", registry.Requests[0].AbsoluteUri, StringComparison.Ordinal); // loopback: plain HTTP
    }

    [Fact]
    public async Task GetManifest_ByDigest_BytesWithAnotherDigest_Refused()
    {
        var registry = new FakeRegistry();
        using var client = new RegistryClient(dockerConfig: _config, handler: registry);
        string other = "sha256:" + new string('b', 64);

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(ImageReference.Parse("127.0.0.1:5000/web"), other, CancellationToken.None));

        Assert.Contains("served a manifest whose digest is " + s_digest, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetManifest_LargerThanTheBound_RefusedBeforeReadingItAll()
    {
        var registry = new FakeRegistry { Body = new byte[RegistryClient.MaxManifestBytes + 1] };
        using var client = new RegistryClient(dockerConfig: _config, handler: registry);

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(ImageReference.Parse("127.0.0.1:5000/web"), "v1", CancellationToken.None));

        Assert.Contains("larger than", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetManifest_UnknownTag_SaysSo()
    {
        var registry = new FakeRegistry { Missing = true };
        using var client = new RegistryClient(dockerConfig: _config, handler: registry);

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(ImageReference.Parse("127.0.0.1:5000/web"), "v9", CancellationToken.None));

        Assert.Equal("127.0.0.1:5000/web:v9: no such tag in 127.0.0.1:5000/web (the registry answered 404)", ex.Message);
    }

    [Fact]
    public async Task GetManifest_NothingListening_SaysUnreachable()
    {
        using var client = new RegistryClient(dockerConfig: _config, timeout: TimeSpan.FromSeconds(5));

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(ImageReference.Parse("127.0.0.1:9/web"), "v1", CancellationToken.None));

        Assert.StartsWith("127.0.0.1:9/web:v1: registry http://127.0.0.1:9 is unreachable", ex.Message, StringComparison.Ordinal);
    }

    private void Login(string registry, string user, string password) =>
        File.WriteAllText(Path.Combine(_config, "config.json"),
            "{\"auths\":{\"" + registry + "\":{\"auth\":\"" + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)) + "\"}}}");

    private sealed class FakeRegistry : HttpMessageHandler
    {
        public string? Challenge { get; init; }

        public (string User, string Password)? RequiredUser { get; init; }

        public string? ClaimedDigest { get; init; }

        public byte[] Body { get; init; } = s_manifest;

        public bool Missing { get; init; }

        public List<Uri> Requests { get; } = [];

        public List<string> Accepts { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            Requests.Add(uri);
            if (uri.Host == "auth.example.com")
            {
                if (RequiredUser is { } required)
                {
                    var expected = Convert.ToBase64String(Encoding.UTF8.GetBytes(required.User + ":" + required.Password));
                    if (request.Headers.Authorization is not { Scheme: "Basic" } basic || basic.Parameter != expected)
                    {
                        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Unauthorized));
                    }
                }

                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"token":"good-token"}""") });
            }

            Accepts.Add(request.Headers.Accept.ToString());
            if (Challenge is not null && request.Headers.Authorization?.ToString() != "Bearer good-token")
            {
                var unauthorized = new HttpResponseMessage(HttpStatusCode.Unauthorized);
                unauthorized.Headers.TryAddWithoutValidation("WWW-Authenticate", Challenge);
                return Task.FromResult(unauthorized);
            }

            if (Missing)
            {
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
            }

            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Body) };
            response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/vnd.oci.image.manifest.v1+json");
            response.Headers.TryAddWithoutValidation("Docker-Content-Digest", ClaimedDigest ?? s_digest);
            return Task.FromResult(response);
        }
    }
}
