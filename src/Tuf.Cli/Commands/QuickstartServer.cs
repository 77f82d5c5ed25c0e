using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Tuf.Internal;

namespace Tuf.Cli.Commands;

/// <summary>
/// A throw-away Tuf.Server for <c>tuf quickstart</c>: <c>dotnet Tuf.Server.dll</c> as a child process on a free
/// loopback port, with a temporary SQLite data folder and a generated admin token. The <c>tuf</c> binary may be
/// Native AOT, so the server (ASP.NET Core) is never loaded into this process. Disposing stops the child by its
/// process ID (also when the command fails or is cancelled, and at process exit).
/// </summary>
internal sealed class QuickstartServer : IDisposable
{
    public const string ServerDllVariable = "TUF_SERVER_DLL";

    private static readonly string[] Configurations = ["Debug", "Release"];

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly EventHandler _onExit;
    private int _stopped;

    private QuickstartServer(Process process, Uri baseAddress, string adminToken)
    {
        _process = process;
        BaseAddress = baseAddress;
        AdminToken = adminToken;
        _onExit = (_, _) => Stop();
        AppDomain.CurrentDomain.ProcessExit += _onExit;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    public string AdminToken { get; }

    public int ProcessId => _process.Id;

    /// <summary>The server's recent output (bounded), for error messages.</summary>
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

    /// <summary>
    /// Finds Tuf.Server.dll: <c>$TUF_SERVER_DLL</c>; <c>server/Tuf.Server.dll</c> next to the tuf binary; or the
    /// newest build in the source tree (<c>src/Tuf.Server/bin/{Debug,Release}/net10.0/</c>, found by walking up to
    /// <c>Tuf.sln</c>).
    /// </summary>
    /// <returns>The path, or <see langword="null"/> when there is none.</returns>
    public static string? FindServerDll()
    {
        if (Environment.GetEnvironmentVariable(ServerDllVariable) is { Length: > 0 } fromEnvironment)
        {
            return File.Exists(fromEnvironment) ? Path.GetFullPath(fromEnvironment) : null;
        }

        string beside = Path.Combine(AppContext.BaseDirectory, "server", "Tuf.Server.dll");
        if (File.Exists(beside))
        {
            return beside;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tuf.sln")))
            {
                return Configurations
                    .Select(c => new FileInfo(Path.Combine(dir.FullName, "src", "Tuf.Server", "bin", c, "net10.0", "Tuf.Server.dll")))
                    .Where(f => f.Exists)
                    .OrderByDescending(f => f.LastWriteTimeUtc)
                    .FirstOrDefault()?.FullName;
            }
        }

        return null;
    }

    /// <summary>Starts the server with its data under <paramref name="dataDirectory"/> and waits until <c>/readyz</c> answers 200.</summary>
    /// <exception cref="ServerRequestException">The server could not be found, exited, or did not become ready in time.</exception>
    public static async Task<QuickstartServer> StartAsync(string dataDirectory, TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        string dll = FindServerDll() ?? throw new ServerRequestException(null,
            "cannot find Tuf.Server.dll to start a local server: build it with 'dotnet build src/Tuf.Server' (or run 'dotnet run --project src/Tuf.Cli -- quickstart' "
            + $"from the source tree), set {ServerDllVariable} to its path, or use a running server with --server URL --token TOKEN");
        int port = FreePort();
        string token = "tuf_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var psi = new ProcessStartInfo(DotnetHost(), [dll, "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        psi.Environment["Server__DataDirectory"] = dataDirectory;
        psi.Environment["TUF_SERVER_ADMIN_TOKEN"] = token;
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment.Remove("ASPNETCORE_URLS");

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new ServerRequestException(null, "cannot start the local server");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new ServerRequestException(null, $"cannot start 'dotnet {dll}': {ex.Message} (is the .NET runtime installed and on PATH?)", ex);
        }

        var server = new QuickstartServer(process, new Uri($"http://127.0.0.1:{port}/"), token);
        try
        {
            await server.WaitReadyAsync(readyTimeout, cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Stop();
        AppDomain.CurrentDomain.ProcessExit -= _onExit;
        _process.Dispose();
    }

    private void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        try
        {
            // A graceful stop first (SIGTERM: the server shuts its host down and the runtime removes its files in
            // /tmp, which a killed one leaves behind); SIGKILL if it is still running after a few seconds.
            if (!_process.HasExited && OperatingSystem.IsLinux()
                && Posix.SignalProcess(_process.Id, Posix.SigTerm))
            {
                _process.WaitForExit(5_000);
            }

            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    private async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var watch = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new ServerRequestException(null, $"the local server exited with code {_process.ExitCode}:{Environment.NewLine}{Tail(Output)}");
            }

            try
            {
                using var response = await http.GetAsync("readyz", cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A slow answer: try again until the deadline.
            }

            if (watch.Elapsed > timeout)
            {
                throw new ServerRequestException(null, $"the local server did not become ready within {timeout.TotalSeconds:0} s:{Environment.NewLine}{Tail(Output)}");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The dotnet host: this process's when it is one (<c>dotnet tuf.dll</c>), else <c>dotnet</c> from PATH.</summary>
    private static string DotnetHost()
    {
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return self;
        }

        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        return "dotnet";
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length > 64_000)
            {
                _output.Remove(0, _output.Length - 32_000);
            }

            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
