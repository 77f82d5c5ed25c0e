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
    private readonly string _dir;

    private NotaryServerProcess(Process process, string dir, string url)
    {
        _process = process;
        _dir = dir;
        Url = url;
    }

    /// <summary>Whether notary and notary-server are installed.</summary>
    public static bool Available => File.Exists("/usr/bin/notary-server") && File.Exists("/usr/bin/notary");

    /// <summary>The server's base URL (http).</summary>
    public string Url { get; }

    /// <summary>Starts a server and waits (with a deadline) until it answers <c>GET /v2/</c>.</summary>
    public static async Task<NotaryServerProcess> StartAsync()
    {
        string dir = Directory.CreateTempSubdirectory("notary-server-").FullName;
        int port = FreePort();
        string config = Path.Combine(dir, "server.json");
        await File.WriteAllTextAsync(config, $$"""
            { "server": { "http_addr": "127.0.0.1:{{port}}" }, "trust_service": { "type": "local" },
              "storage": { "backend": "memory" }, "logging": { "level": "error" } }
            """);
        var process = Process.Start(new ProcessStartInfo("/usr/bin/notary-server", ["-config", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new NotaryServerProcess(process, dir, $"http://127.0.0.1:{port}");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(server.Url + "/v2/"));
                if (response.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
            }

            if (DateTime.UtcNow >= deadline || process.HasExited)
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
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
