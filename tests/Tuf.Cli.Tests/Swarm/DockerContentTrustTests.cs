using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Tuf.Cli.Commands;
using Tuf.Testing;

namespace Tuf.Cli.Tests.Swarm;

/// <summary>
/// Docker Content Trust with this project's server as the trust server (the docker CLI speaks Notary over HTTPS with
/// Docker's token authentication): docker trust key generate / signer add / sign / inspect, DOCKER_CONTENT_TRUST=1
/// pull of a signed and an unsigned tag, a swarm service created from the signed tag pinned to its digest, and
/// `tuf notary list` reading the same collection. A real dockerd, a local registry and a throw-away CA.
/// </summary>
[Collection(RepoCliCollection.Name)]
public sealed class DockerContentTrustTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tuf-dct-").FullName;
    private Process? _server;

    public void Dispose()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill();
            _server.WaitForExit();
        }

        _server?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [SkippableFact]
    public async Task Docker_trust_signs_and_docker_pulls_and_deploys_only_signed_tags_through_our_server()
    {
        var docker = DockerSwarm.Require();
        const string token = "tuf_dct-admin-token";
        var (caPem, port) = await StartHttpsServerAsync(token);

        // The docker CLI's configuration: the CA for the trust server, and credentials for the registry, which docker
        // also sends to the trust server's token endpoint (the password is one of the server's tokens).
        string config = Path.Combine(_dir, "docker-config");
        Directory.CreateDirectory(Path.Combine(config, "tls", $"127.0.0.1:{port}"));
        File.WriteAllText(Path.Combine(config, "tls", $"127.0.0.1:{port}", "ca.crt"), caPem);
        string auth = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("user:" + token));
        File.WriteAllText(Path.Combine(config, "config.json"), "{\"auths\":{\"" + docker.Registry + "\":{\"auth\":\"" + auth + "\"}}}");
        var env = new Dictionary<string, string>
        {
            ["DOCKER_CONFIG"] = config,
            ["DOCKER_CONTENT_TRUST_SERVER"] = $"https://127.0.0.1:{port}",
            ["DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE"] = "root-passphrase",
            ["DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE"] = "repository-passphrase",
        };

        string repository = DockerSwarm.Unique("dct");
        string image = $"{docker.Registry}/{repository}";
        string digest = docker.BuildAndPush(repository, "v1");
        docker.BuildAndPush(repository, "unsigned", marker: "unsigned");

        string keys = Path.Combine(_dir, "keys");
        Directory.CreateDirectory(keys);
        Ok(docker.RunWith(env, "trust", "key", "generate", "alice", "--dir", keys));
        Ok(docker.RunWith(env, "trust", "signer", "add", "--key", Path.Combine(keys, "alice.pub"), "alice", image));
        Ok(docker.RunWith(env, "trust", "sign", $"{image}:v1"));

        using (var inspect = JsonDocument.Parse(Ok(docker.RunWith(env, "trust", "inspect", image))))
        {
            var signed = inspect.RootElement[0].GetProperty("SignedTags").EnumerateArray().Single();
            Assert.Equal("v1", signed.GetProperty("SignedTag").GetString());
            Assert.Equal(digest, "sha256:" + signed.GetProperty("Digest").GetString());
            Assert.Equal("alice", signed.GetProperty("Signers")[0].GetString());
        }

        // Pull with content trust: the signed tag resolves to its signed digest; the unsigned one is refused.
        docker.RunWith(env, "rmi", $"{image}:v1", $"{image}:unsigned");
        var trusted = env.Append(new("DOCKER_CONTENT_TRUST", "1")).ToDictionary();
        Assert.Contains(digest, Ok(docker.RunWith(trusted, "pull", $"{image}:v1")), StringComparison.Ordinal);
        var refused = docker.RunWith(trusted, "pull", $"{image}:unsigned");
        Assert.NotEqual(0, refused.Code);
        Assert.Contains("No valid trust data for unsigned", refused.Stderr, StringComparison.Ordinal);

        // A swarm service created with content trust is pinned to the signed digest, never the tag.
        string service = DockerSwarm.Unique("dct-web");
        try
        {
            Ok(docker.RunWith(trusted, "service", "create", "--detach", "--name", service, "--replicas", "1", $"{image}:v1"));
            Assert.Equal($"{image}:v1@{digest}", docker.ServiceImage(service));
            var unsigned = docker.RunWith(trusted, "service", "create", "--detach", "--name", service + "u", $"{image}:unsigned");
            Assert.NotEqual(0, unsigned.Code);
        }
        finally
        {
            docker.RemoveService(service);
        }

        // Our Notary client reads the same collection (the tag is signed by the delegation docker created for alice).
        using var cli = new RepoCli();
        string ca = Path.Combine(_dir, "ca.pem");
        cli.RunOk("notary", "list", "--server", $"https://127.0.0.1:{port}", "--tlscacert", ca, "--trust-dir", Path.Combine(_dir, "tuf-trust"), image);
        Assert.Matches($@"v1\s+{digest["sha256:".Length..]}\s+\d+\s+targets/alice", cli.Out);
    }

    private static string Ok((int Code, string Stdout, string Stderr) result)
    {
        Assert.True(result.Code == 0, $"docker exited {result.Code}: {result.Stderr}\n{result.Stdout}");
        return result.Stdout;
    }

    /// <summary>Starts Tuf.Server over HTTPS with a certificate from a throw-away CA; returns the CA's PEM and the port.</summary>
    private async Task<(string CaPem, int Port)> StartHttpsServerAsync(string adminToken)
    {
        using var ca = TestCertificates.CreateCa();
        using var issued = TestCertificates.Issue(ca);
        string caPem = ca.ExportCertificatePem() + "\n";
        TestCertificates.WritePem(ca, Path.Combine(_dir, "ca.pem"));
        TestCertificates.WritePem(issued, Path.Combine(_dir, "server.crt"), Path.Combine(_dir, "server.key"));

        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        string dll = QuickstartServer.FindServerDll() ?? throw new InvalidOperationException("Tuf.Server.dll is not built");
        var psi = new ProcessStartInfo("dotnet", [dll]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir };
        psi.Environment["Server__DataDirectory"] = Path.Combine(_dir, "data");
        psi.Environment["TUF_SERVER_ADMIN_TOKEN"] = adminToken;
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        psi.Environment["Kestrel__Endpoints__Https__Url"] = $"https://127.0.0.1:{port}";
        psi.Environment["Kestrel__Endpoints__Https__Certificate__Path"] = Path.Combine(_dir, "server.crt");
        psi.Environment["Kestrel__Endpoints__Https__Certificate__KeyPath"] = Path.Combine(_dir, "server.key");
        psi.Environment.Remove("ASPNETCORE_URLS");
        _server = Process.Start(psi)!;
        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();

        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"https://127.0.0.1:{port}/readyz"));
                if (response.IsSuccessStatusCode)
                {
                    return (caPem, port);
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60) && !_server.HasExited, "Tuf.Server did not start over HTTPS");
            await Task.Delay(100);
        }
    }
}
