using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tuf.Server.Tests.TestKit;

/// <summary>The server as a real child process (<c>dotnet Tuf.Server.dll --urls http://127.0.0.1:PORT</c>), for crash and multi-replica tests.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    /// <summary>The server's resident set size now (Linux: <c>VmRSS</c> of <c>/proc/PID/status</c>), in bytes.</summary>
    public long ResidentBytes
    {
        get
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
                }
            }

            throw new InvalidOperationException("no VmRSS for the server process");
        }
    }

    public HttpClient Client { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static string ServerDll
    {
        get
        {
            var config = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            var built = Path.Combine(Tuf.Testing.SharedVectors.RepoRoot, "src", "Tuf.Server", "bin", config, "net10.0", "Tuf.Server.dll");
            return File.Exists(built) ? built : Path.Combine(AppContext.BaseDirectory, "Tuf.Server.dll");
        }
    }

    /// <summary>Starts the server with the given configuration (as environment variables) and waits for /healthz.</summary>
    public static async Task<ServerProcess> StartAsync(IDictionary<string, string> settings, string? workingDirectory = null)
    {
        // A configured Kestrel HTTP endpoint (with HTTPS beside it) replaces --urls; otherwise a free port.
        string? configured = settings.TryGetValue("Kestrel:Endpoints:Http:Url", out var url) ? url : null;
        string baseUrl = configured ?? $"http://127.0.0.1:{FreePort()}";
        var psi = new ProcessStartInfo("dotnet", configured is null ? [ServerDll, "--urls", baseUrl] : [ServerDll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(ServerDll)!,
        };
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        psi.Environment["DOTNET_NOLOGO"] = "1";

        // Crash tests SIGKILL it, and a killed runtime cannot remove its diagnostics pipes from /tmp: none are made.
        psi.Environment["DOTNET_EnableDiagnostics"] = "0";
        foreach (var (k, v) in settings)
        {
            psi.Environment[k.Replace(":", "__", StringComparison.Ordinal)] = v;
        }

        var server = new ServerProcess(Process.Start(psi)!, new Uri(baseUrl.TrimEnd('/') + "/"));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (server._process.HasExited)
            {
                throw new InvalidOperationException($"server exited with {server._process.ExitCode}: {server.Output}");
            }

            try
            {
                using var response = await server.Client.GetAsync("readyz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                server.Dispose();
                throw new TimeoutException("server did not become ready: " + server.Output);
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Runs the server to completion (for start-up failures) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IDictionary<string, string> settings)
    {
        var psi = new ProcessStartInfo("dotnet", [ServerDll, "--urls", $"http://127.0.0.1:{FreePort()}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(ServerDll)!,
        };
        foreach (var (k, v) in settings)
        {
            psi.Environment[k.Replace(":", "__", StringComparison.Ordinal)] = v;
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>SIGTERM, then waits (up to 60 s) for a graceful exit; afterwards <see cref="Output"/> is complete.</summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // drains the redirected output
    }

    /// <summary>SIGKILL: no shutdown, no flush.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        Client.Dispose();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 100_000)
            {
                _output.AppendLine(line);
            }
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
