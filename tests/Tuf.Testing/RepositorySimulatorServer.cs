using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tuf.Testing;

/// <summary>How the loopback server misbehaves for one response.</summary>
public enum ServerFault
{
    /// <summary>A normal response.</summary>
    None,

    /// <summary>Sends the body, then keeps sending bytes until the client hangs up (no Content-Length).</summary>
    EndlessBody,

    /// <summary>Sends the body one byte at a time with <see cref="ServerResponse.TrickleDelay"/> between bytes.</summary>
    Trickle,

    /// <summary>Declares a Content-Length larger than the body it sends, then closes.</summary>
    ShortBody,

    /// <summary>Sends the status line and headers, then nothing at all (until the client hangs up).</summary>
    Stall,
}

/// <summary>One response of the loopback server.</summary>
public sealed record ServerResponse(int Status, byte[] Body)
{
    /// <summary>The fault to inject.</summary>
    public ServerFault Fault { get; init; }

    /// <summary>Delay between bytes for <see cref="ServerFault.Trickle"/>.</summary>
    public TimeSpan TrickleDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>A 404 with an empty body.</summary>
    public static ServerResponse NotFound { get; } = new(404, []);
}

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 (ephemeral port) for loopback tests: every response closes its
/// connection; a handler maps a request path to a <see cref="ServerResponse"/>, which may inject a fault.
/// Serves a <see cref="RepositorySimulator"/> (<c>/metadata/</c>, <c>/targets/</c>) or a directory.
/// </summary>
public sealed class RepositorySimulatorServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly Lock _gate = new();
    private readonly List<string> _requests = [];

    private RepositorySimulatorServer(Func<string, ServerResponse> handler)
    {
        Handler = handler;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        BaseUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The server's base URL (ends with <c>/</c>).</summary>
    public Uri BaseUrl { get; }

    /// <summary>The metadata base URL when serving a simulator.</summary>
    public Uri MetadataUrl => new(BaseUrl, "metadata/");

    /// <summary>The targets base URL when serving a simulator.</summary>
    public Uri TargetsUrl => new(BaseUrl, "targets/");

    /// <summary>Maps a request path (undecoded, without the leading <c>/</c>) to a response; replaceable at any time.</summary>
    public Func<string, ServerResponse> Handler { get; set; }

    /// <summary>Request paths received, in order.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>Starts a server with <paramref name="handler"/>.</summary>
    public static RepositorySimulatorServer Start(Func<string, ServerResponse> handler) => new(handler);

    /// <summary>Serves <paramref name="sim"/> under <c>/metadata/</c> and <c>/targets/</c>; <paramref name="faults"/> may replace a response.</summary>
    public static RepositorySimulatorServer ForSimulator(RepositorySimulator sim, Func<string, ServerResponse?>? faults = null) =>
        new(path => faults?.Invoke(path) ?? ServeSimulator(sim, path));

    /// <summary>Serves the files under <paramref name="root"/> (404 for anything else, never outside it).</summary>
    public static RepositorySimulatorServer ForDirectory(string root) => new(path => ServeDirectory(root, path));

    /// <summary>The simulator's answer for a request path.</summary>
    public static ServerResponse ServeSimulator(RepositorySimulator sim, string path)
    {
        ArgumentNullException.ThrowIfNull(sim);
        Uri uri;
        if (path.StartsWith("metadata/", StringComparison.Ordinal))
        {
            uri = new Uri(RepositorySimulator.MetadataBaseUrl.AbsoluteUri + path["metadata/".Length..], new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        }
        else if (path.StartsWith("targets/", StringComparison.Ordinal))
        {
            uri = new Uri(RepositorySimulator.TargetsBaseUrl.AbsoluteUri + path["targets/".Length..], new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        }
        else
        {
            return ServerResponse.NotFound;
        }

        try
        {
            lock (sim)
            {
                return new ServerResponse(200, sim.Serve(uri));
            }
        }
        catch (DownloadHttpException ex)
        {
            return new ServerResponse(ex.StatusCode, []);
        }
    }

    /// <summary>A static file answer for a request path under <paramref name="root"/>.</summary>
    public static ServerResponse ServeDirectory(string root, string path)
    {
        string full = Path.GetFullPath(Path.Combine(root, Uri.UnescapeDataString(path)));
        string rootFull = Path.GetFullPath(root) + Path.DirectorySeparatorChar;
        return full.StartsWith(rootFull, StringComparison.Ordinal) && File.Exists(full)
            ? new ServerResponse(200, File.ReadAllBytes(full))
            : ServerResponse.NotFound;
    }

    /// <summary>Stops the server and waits for its loop to end.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(client));
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                client.NoDelay = true;
                var stream = client.GetStream();
                string? path = await ReadRequestPathAsync(stream).ConfigureAwait(false);
                if (path is null)
                {
                    return;
                }

                lock (_gate)
                {
                    _requests.Add(path);
                }

                var response = Handler(path);
                await WriteResponseAsync(stream, response).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client hung up (expected for the fault cases) or the server is stopping.
            }
        }
    }

    private async Task<string?> ReadRequestPathAsync(NetworkStream stream)
    {
        var buffer = new byte[16 * 1024];
        int used = 0;
        while (used < buffer.Length)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(used), _stop.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            used += read;
            string text = Encoding.ASCII.GetString(buffer, 0, used);
            if (text.Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                string[] parts = text[..text.IndexOf('\r', StringComparison.Ordinal)].Split(' ');
                return parts.Length >= 2 ? parts[1].TrimStart('/') : null;
            }
        }

        return null;
    }

    private async Task WriteResponseAsync(NetworkStream stream, ServerResponse response)
    {
        var ct = _stop.Token;
        var header = new StringBuilder();
        header.Append("HTTP/1.1 ").Append(response.Status).Append(response.Status == 200 ? " OK" : " Status").Append("\r\n");
        header.Append("Connection: close\r\nContent-Type: application/octet-stream\r\n");
        switch (response.Fault)
        {
            case ServerFault.EndlessBody:
            case ServerFault.Trickle:
            case ServerFault.Stall:
                break; // close-delimited body
            case ServerFault.ShortBody:
                header.Append("Content-Length: ").Append(response.Body.Length + 100).Append("\r\n");
                break;
            default:
                header.Append("Content-Length: ").Append(response.Body.Length).Append("\r\n");
                break;
        }

        header.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(header.ToString()), ct).ConfigureAwait(false);
        switch (response.Fault)
        {
            case ServerFault.EndlessBody:
                await stream.WriteAsync(response.Body, ct).ConfigureAwait(false);
                var chunk = new byte[64 * 1024];
                while (!ct.IsCancellationRequested)
                {
                    await stream.WriteAsync(chunk, ct).ConfigureAwait(false);
                }

                break;
            case ServerFault.Trickle:
                foreach (byte b in response.Body.Length > 0 ? response.Body : new byte[1024])
                {
                    await stream.WriteAsync(new[] { b }, ct).ConfigureAwait(false);
                    await Task.Delay(response.TrickleDelay, ct).ConfigureAwait(false);
                }

                break;
            case ServerFault.Stall:
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
                break;
            default:
                await stream.WriteAsync(response.Body, ct).ConfigureAwait(false);
                break;
        }
    }
}
