using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tuf.Testing;

/// <summary>
/// The real notary-server (Debian's <c>notary</c> 0.7 package) on loopback, with a memory store and the local
/// trust service (the server holds its timestamp and snapshot keys itself, Ed25519), stopped by PID; and the real
/// <c>notary</c> CLI with passphrases from the environment.
/// </summary>
public sealed class NotaryServerProcess : IAsyncDisposable
{
    /// <summary>Why tests that need the real Notary programs skip.</summary>
    public const string MissingMessage = "the real notary 0.7 programs are not installed (Debian package 'notary': /usr/bin/notary, /usr/bin/notary-server)";

    private readonly Process _process;
    private readonly Process? _signer;
    private readonly string _dir;

    private NotaryServerProcess(Process process, Process? signer, string dir, string url)
    {
        _process = process;
        _signer = signer;
        _dir = dir;
        Url = url;
    }

    /// <summary>Whether notary and notary-server are installed.</summary>
    public static bool Available => File.Exists("/usr/bin/notary-server") && File.Exists("/usr/bin/notary");

    /// <summary>The server's base URL (http).</summary>
    public string Url { get; }

    /// <summary>
    /// Starts a server and waits (with a deadline) until it answers <c>GET /v2/</c>. With <paramref name="withSigner"/>
    /// the server holds no keys itself: it signs through a real notary-signer (gRPC with mutual TLS, certificates from
    /// a throw-away CA, keys ECDSA P-256 as Notary's production setup has them, the signer's passphrase in
    /// <c>NOTARY_SIGNER_&lt;ALIAS&gt;</c>); otherwise it uses the local trust service (Ed25519 keys in memory).
    /// </summary>
    public static async Task<NotaryServerProcess> StartAsync(bool withSigner = false)
    {
        string dir = Directory.CreateTempSubdirectory("notary-server-").FullName;
        int port = FreePort();
        Process? signer = null;
        string trustService = """{ "type": "local" }""";
        if (withSigner)
        {
            int signerPort = FreePort();
            WriteSignerCertificates(dir);
            string signerConfig = Path.Combine(dir, "signer.json");
            await File.WriteAllTextAsync(signerConfig, $$"""
                { "server": { "grpc_addr": "127.0.0.1:{{signerPort}}", "tls_cert_file": "{{dir}}/signer.crt", "tls_key_file": "{{dir}}/signer.key",
                              "client_ca_file": "{{dir}}/ca.crt" },
                  "storage": { "backend": "memory" }, "logging": { "level": "error" } }
                """);
            signer = Start("/usr/bin/notary-signer", signerConfig, dir, new Dictionary<string, string> { ["NOTARY_SIGNER_DEFAULT_ALIAS"] = "alias1", ["NOTARY_SIGNER_ALIAS1"] = "signer-passphrase" });
            trustService = $$"""
                { "type": "remote", "hostname": "127.0.0.1", "port": "{{signerPort}}", "tls_ca_file": "{{dir}}/ca.crt", "key_algorithm": "ecdsa",
                  "tls_client_cert": "{{dir}}/client.crt", "tls_client_key": "{{dir}}/client.key" }
                """;
        }

        string config = Path.Combine(dir, "server.json");
        await File.WriteAllTextAsync(config, $$"""
            { "server": { "http_addr": "127.0.0.1:{{port}}" }, "trust_service": {{trustService}},
              "storage": { "backend": "memory" }, "logging": { "level": "error" } }
            """);
        var process = Start("/usr/bin/notary-server", config, dir, new Dictionary<string, string>());
        var server = new NotaryServerProcess(process, signer, dir, $"http://127.0.0.1:{port}");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                // With a signer, wait until the server can create a key through it (a throw-away collection): its health
                // check stays 200 while the signer is unreachable, and the first key request would fail.
                using var response = await http.GetAsync(new Uri(server.Url + (withSigner ? "/v2/readiness.probe/ready/_trust/tuf/timestamp.key" : "/v2/")));
                if (response.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
            }

            if (DateTime.UtcNow >= deadline || process.HasExited || signer?.HasExited == true)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException("notary-server did not start");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Runs the notary CLI against <paramref name="server"/> with its trust folder and the test passphrases.</summary>
    public static Task<ChildProcess.Result> RunCliAsync(string server, string trustDirectory, params string[] args) =>
        RunCliWithTokenAsync(server, trustDirectory, null, args);

    /// <summary>
    /// Runs the notary CLI as <see cref="RunCliAsync"/>, with <paramref name="token"/> as the password of
    /// <c>NOTARY_AUTH</c> (the credentials the CLI sends to a token endpoint after a 401 challenge).
    /// </summary>
    public static Task<ChildProcess.Result> RunCliWithTokenAsync(string server, string trustDirectory, string? token, params string[] args)
    {
        var environment = new Dictionary<string, string?>
        {
            ["NOTARY_ROOT_PASSPHRASE"] = "root-passphrase",
            ["NOTARY_TARGETS_PASSPHRASE"] = "targets-passphrase",
            ["NOTARY_SNAPSHOT_PASSPHRASE"] = "snapshot-passphrase",
            ["NOTARY_DELEGATION_PASSPHRASE"] = "delegation-passphrase",
        };
        Directory.CreateDirectory(trustDirectory);
        if (token is not null)
        {
            environment["NOTARY_AUTH"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("user:" + token));
        }

        return ChildProcess.RunAsync("/usr/bin/notary", ["-s", server, "-d", trustDirectory, .. args], trustDirectory, TimeSpan.FromSeconds(60), environment);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var process in new[] { _process, _signer })
        {
            if (process is null)
            {
                continue;
            }

            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                    await process.WaitForExitAsync();
                }
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static Process Start(string program, string config, string dir, Dictionary<string, string> environment)
    {
        var psi = new ProcessStartInfo(program, ["-config", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        foreach (var (name, value) in environment)
        {
            psi.Environment[name] = value;
        }

        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>A throw-away CA and, issued by it, the signer's certificate and the server's client certificate (PEM files in <paramref name="dir"/>).</summary>
    private static void WriteSignerCertificates(string dir)
    {
        using var ca = TestCertificates.CreateCa("notary test CA");
        TestCertificates.WritePem(ca, Path.Combine(dir, "ca.crt"));
        foreach (var name in new[] { "signer", "client" })
        {
            using var cert = TestCertificates.Issue(ca, "notary-" + name, "notary-" + name);
            TestCertificates.WritePem(cert, Path.Combine(dir, name + ".crt"), Path.Combine(dir, name + ".key"));
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
