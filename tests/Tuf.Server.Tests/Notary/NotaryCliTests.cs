using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using System.Text.RegularExpressions;
using Tuf.Client.Notary;
using Tuf.Server.Tests.TestKit;
using Tuf.Testing;

namespace Tuf.Server.Tests.Notary;

/// <summary>
/// The real notary 0.7 CLI against this server, through Docker's token authentication (NOTARY_AUTH carries one of the
/// server's tokens as the password): every command a Notary user runs, a second trust folder pulling the same
/// collection, and our own Notary client reading it.
/// </summary>
public sealed class NotaryCliTests : IDisposable
{
    private const string Gun = "example.com/app";
    private readonly ServerHost _host = ServerHost.Start();
    private readonly string _dir = TestDirs.New("notary-cli-").FullName;

    public void Dispose() => _host.Dispose();

    private string? _httpsUrl;
    private string? _caFile;

    private string Url => _httpsUrl ?? _host.BaseAddress.AbsoluteUri.TrimEnd('/');

    private async Task<ChildProcess.Result> Notary(string trust, params string[] args)
    {
        var result = await NotaryServerProcess.RunCliWithTokenAsync(Url, trust, ServerHost.AdminToken, _caFile is null ? args : ["--tlscacert", _caFile, .. args]);
        Assert.True(result.ExitCode == 0, $"notary {string.Join(' ', args)}: exit {result.ExitCode}\n{result.StdOut}\n{result.StdErr}");
        return result;
    }

    private static Dictionary<string, string> Listed(string output) =>
        Regex.Matches(output, @"^(\S+)\s+([0-9a-f]{64})\s+(\d+)\s+(\S+)\s*$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => $"{m.Groups[2].Value} {m.Groups[3].Value} {m.Groups[4].Value}");

    [SkippableFact]
    public async Task The_real_notary_cli_publishes_and_reads_through_this_server_over_https()
    {
        Skip.IfNot(NotaryServerProcess.Available, NotaryServerProcess.MissingMessage);
        var (host, url, caFile, ca) = StartHttps();
        using var httpsHost = host;
        using var caCertificate = ca;
        (_httpsUrl, _caFile) = (url, caFile);
        string trust = Path.Combine(_dir, "trust");
        Directory.CreateDirectory(trust);
        File.WriteAllText(Path.Combine(trust, "hello.txt"), "hello\n");
        File.WriteAllText(Path.Combine(trust, "v2.txt"), "v2\n");
        File.WriteAllText(Path.Combine(trust, "v3.txt"), "v3\n");

        await Notary(trust, "init", Gun, "-p");
        await Notary(trust, "add", Gun, "hello", "hello.txt");
        await Notary(trust, "addhash", Gun, "hashed", "3", "--sha256", "81db67b6a5702b9b68f0016f061c409bf3fb16d062fc854d1b424bb4e9c28c56");
        await Notary(trust, "publish", Gun);
        var listed = Listed((await Notary(trust, "list", Gun)).StdOut);
        Assert.Equal("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03 6 targets", listed["hello"]);
        Assert.Contains("hashed", listed.Keys);
        Assert.Contains("sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03 6", (await Notary(trust, "lookup", Gun, "hello")).StdOut, StringComparison.Ordinal);

        // verify reads the file on stdin: a tampered copy fails.
        var ok = await ChildProcess.RunAsync("/bin/sh", ["-c", $"/usr/bin/notary -s {Url} --tlscacert {caFile} -d {trust} verify {Gun} hello < hello.txt"], trust, TimeSpan.FromSeconds(60), Env());
        Assert.True(ok.ExitCode == 0, ok.StdErr);
        var bad = await ChildProcess.RunAsync("/bin/sh", ["-c", $"echo tampered | /usr/bin/notary -s {Url} --tlscacert {caFile} -d {trust} verify {Gun} hello"], trust, TimeSpan.FromSeconds(60), Env());
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("did not match", bad.StdOut + bad.StdErr, StringComparison.Ordinal);

        await Notary(trust, "remove", Gun, "hashed");
        await Notary(trust, "publish", Gun);
        Assert.DoesNotContain("hashed", Listed((await Notary(trust, "list", Gun)).StdOut).Keys);

        // A delegation with its own key (an ECDSA certificate made here), and a target signed by it.
        using (var ec = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=releases", ec, System.Security.Cryptography.HashAlgorithmName.SHA256);
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            File.WriteAllText(Path.Combine(trust, "releases.crt"), cert.ExportCertificatePem());
            File.WriteAllText(Path.Combine(trust, "releases.key"), ec.ExportPkcs8PrivateKeyPem());
        }

        await Notary(trust, "delegation", "add", Gun, "targets/releases", "releases.crt", "--paths", "rel/");
        await Notary(trust, "key", "import", "releases.key", "-r", "targets/releases");
        await Notary(trust, "add", Gun, "rel/v2", "v2.txt", "--roles", "targets/releases");
        await Notary(trust, "publish", Gun);
        Assert.Contains("targets/releases", (await Notary(trust, "delegation", "list", Gun)).StdOut, StringComparison.Ordinal);
        Assert.EndsWith(" targets/releases", Listed((await Notary(trust, "list", Gun)).StdOut)["rel/v2"], StringComparison.Ordinal);

        // The server takes over snapshot and timestamp keys; publishing continues with the server signing snapshots.
        await Notary(trust, "key", "rotate", Gun, "snapshot", "-r");
        await Notary(trust, "key", "rotate", Gun, "timestamp", "-r");
        await Notary(trust, "add", Gun, "rel/v3", "v3.txt", "--roles", "targets/releases");
        await Notary(trust, "publish", Gun);
        var final = Listed((await Notary(trust, "list", Gun)).StdOut);
        Assert.Equal(["hello", "rel/v2", "rel/v3"], final.Keys.Order(StringComparer.Ordinal));

        // A second trust folder (a new machine) pulls the same collection; so does our own Notary client.
        string second = Path.Combine(_dir, "second");
        Directory.CreateDirectory(second);
        Assert.Equal(final, Listed((await Notary(second, "list", Gun)).StdOut));
        using (var client = new NotaryClient(host.BaseAddress, Gun, Path.Combine(_dir, "ours")))
        {
            var data = await client.RefreshAsync();
            Assert.Equal(final.Keys.Order(StringComparer.Ordinal), data.Targets.Select(t => t.Name).Order(StringComparer.Ordinal));
            Assert.Equal(3, data.RootVersion);
        }

        // Removing the last delegation: notary writes "roles": null (Go's empty slice); publishing still works.
        await Notary(trust, "delegation", "remove", Gun, "targets/releases", "-y");
        await Notary(trust, "publish", Gun);
        Assert.Equal(["hello"], Listed((await Notary(trust, "list", Gun)).StdOut).Keys);

        // delete --remote removes the collection from the server.
        await Notary(trust, "delete", Gun, "--remote");
        using var gone = await host.Client.GetAsync($"v2/{Gun}/_trust/tuf/root.json");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.StatusCode);
    }

    [SkippableFact]
    public async Task Without_credentials_the_notary_cli_can_read_but_not_publish()
    {
        Skip.IfNot(NotaryServerProcess.Available, NotaryServerProcess.MissingMessage);
        string trust = Path.Combine(_dir, "anonymous");
        Directory.CreateDirectory(trust);
        var result = await NotaryServerProcess.RunCliWithTokenAsync(Url, trust, "tuf_not-a-token", "init", Gun, "-p");
        Assert.NotEqual(0, result.ExitCode);
        using var root = await _host.Client.GetAsync($"v2/{Gun}/_trust/tuf/root.json");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, root.StatusCode);
    }

    [SkippableFact]
    public async Task Over_https_with_a_private_ca_the_notary_cli_and_our_client_both_work()
    {
        Skip.IfNot(NotaryServerProcess.Available, NotaryServerProcess.MissingMessage);

        var (host, url, caFile, ca) = StartHttps();
        using var _ = host;
        using var __ = ca;
        string trust = Path.Combine(_dir, "tls");
        Directory.CreateDirectory(trust);
        File.WriteAllText(Path.Combine(trust, "hello.txt"), "hello\n");
        foreach (var args in new[] { new[] { "init", Gun, "-p" }, ["add", Gun, "hello", "hello.txt"], ["publish", Gun], ["list", Gun] })
        {
            var result = await NotaryServerProcess.RunCliWithTokenAsync(url, trust, ServerHost.AdminToken, ["--tlscacert", caFile, .. args]);
            Assert.True(result.ExitCode == 0, $"notary {string.Join(' ', args)}: exit {result.ExitCode}\n{result.StdOut}\n{result.StdErr}");
        }

        // Without the CA the notary CLI refuses the server's certificate.
        var untrusted = await NotaryServerProcess.RunCliWithTokenAsync(url, Path.Combine(_dir, "untrusted"), ServerHost.AdminToken, "list", Gun);
        Assert.NotEqual(0, untrusted.ExitCode);

        // Our client, trusting only that CA.
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) != 0)
            {
                return false;
            }

            using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
            chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
            return chain.Build(new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate));
        };
        using var http = new HttpClient(handler);
        using var fetcher = new Tuf.Client.HttpFetcher(http, null);
        using var client = new NotaryClient(new Uri(url), Gun, Path.Combine(_dir, "ours-tls"), fetcher: fetcher);
        Assert.Equal("hello", Assert.Single((await client.RefreshAsync()).Targets).Name);
    }

    /// <summary>
    /// The server over HTTPS on loopback with a certificate from a throw-away CA (and over HTTP for the test's own
    /// requests); returns the HTTPS URL and the CA (PEM file and certificate).
    /// </summary>
    private (ServerHost Host, string Url, string CaFile, X509Certificate2 Ca) StartHttps()
    {
        var ca = TestCertificates.CreateCa();
        using var serverCert = TestCertificates.Issue(ca);
        string caFile = Path.Combine(_dir, "ca.pem");
        TestCertificates.WritePem(ca, caFile);
        int port = ServerProcess.FreePort();
        var host = ServerHost.Start(kestrel: o => o.Listen(System.Net.IPAddress.Loopback, port, l => l.UseHttps(TestCertificates.ForKestrel(serverCert))));
        return (host, $"https://127.0.0.1:{port}", caFile, ca);
    }

    private static Dictionary<string, string?> Env() => new()
    {
        ["NOTARY_AUTH"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("user:" + ServerHost.AdminToken)),
    };
}
