using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Tuf.Signing;

namespace Tuf.Cli.Commands;

/// <summary>
/// The few Tuf.Server calls the CLI makes (docs/server.md): fetch a server-held public key, publish metadata and
/// hosted target content. Every response body is read with a byte cap; a server error becomes a
/// <see cref="ServerRequestException"/> carrying the server's error code and message.
/// </summary>
internal sealed class RepoPublishClient : IDisposable
{
    public const string TokenVariable = "TUF_SERVER_TOKEN";

    /// <summary>Largest response body read (keys, publish results and errors are all small).</summary>
    private const int MaxResponseBytes = 1024 * 1024;

    /// <summary>Largest metadata file read from the server (the server's own default limit).</summary>
    private const int MaxMetadataBytes = 16 * 1024 * 1024;

    private readonly HttpClient _http;
    private readonly string? _token;

    public RepoPublishClient(Uri server, string? token, TimeSpan? timeout = null)
    {
        Server = server;
        _token = string.IsNullOrEmpty(token) ? null : token;
        _http = new HttpClient { BaseAddress = server, Timeout = timeout ?? TimeSpan.FromMinutes(10) };
    }

    public Uri Server { get; }

    /// <summary>Parses <c>--server</c>: an absolute http(s) URL, used as a base (a trailing slash is added).</summary>
    public static Uri ParseServerUrl(string value, string option)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"{option} must be an http or https URL, not '{Printable(value)}'");
        }

        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }

    /// <summary>Checks <c>--collection</c> loosely (the server has the final word) and returns its URL path form.</summary>
    public static string CollectionPath(string gun)
    {
        if (string.IsNullOrEmpty(gun) || gun.Length > 255 || gun.Split('/').Any(s => s is "" or "." or "..") || gun.Any(char.IsControl))
        {
            throw new UsageException($"--collection: '{Printable(gun)}' is not a collection name like example.com/app");
        }

        return string.Join('/', gun.Split('/').Select(Uri.EscapeDataString));
    }

    /// <summary>The token: the option's value, else <c>TUF_SERVER_TOKEN</c>.</summary>
    public static string? Token(string? option) =>
        option is { Length: > 0 } ? option : Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } env ? env : null;

    /// <summary><c>GET /v2/{gun}/_trust/tuf/{role}.key</c>: the server's public key for an online role (created on first request).</summary>
    public async Task<Key> GetServerKeyAsync(string gun, string role, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{CollectionPath(gun)}/_trust/tuf/{role}.key");
        request.Headers.Accept.ParseAdd("application/vnd.tuf.key+json"); // TUF 1.0's key form (Notary's is the default)
        var (status, body) = await SendAsync(request, $"get the server's {role} key", cancellationToken).ConfigureAwait(false);
        if (status != HttpStatusCode.OK)
        {
            throw Error(status, body, $"cannot get the server's {role} key");
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            var key = PublicKeys.FromJson(doc.RootElement);
            key.ComputeKeyId();
            return key;
        }
        catch (Exception ex) when (ex is JsonException or SigningException)
        {
            throw new ServerRequestException(null, $"the server's {role} key is not a TUF key: {ex.Message}", ex);
        }
    }

    /// <summary>The collection's current metadata file from the standard layout (<c>/{gun}/metadata/{file}</c>); null when it has none.</summary>
    public async Task<byte[]?> GetMetadataAsync(string gun, string fileName, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{CollectionPath(gun)}/metadata/{Uri.EscapeDataString(fileName)}");
        var (status, body) = await SendAsync(request, $"get {fileName}", cancellationToken, MaxMetadataBytes).ConfigureAwait(false);
        return status switch
        {
            HttpStatusCode.OK => body,
            HttpStatusCode.NotFound => null,
            _ => throw Error(status, body, $"cannot get the collection's {fileName}"),
        };
    }

    /// <summary><c>POST /v2/{gun}/_trust/tuf/</c> with one part per metadata file and per hosted target.</summary>
    /// <returns>The versions the server wrote (role to version), including its snapshot and timestamp.</returns>
    public async Task<IReadOnlyDictionary<string, long>> PublishAsync(
        string gun, IReadOnlyList<(string Role, byte[] Bytes)> files, IReadOnlyList<(string Path, string FilePath)> targets, CancellationToken cancellationToken)
    {
        // A server that is already receiving its maximum of publishes answers 503 with Retry-After: wait and send again.
        for (int attempt = 1; ; attempt++)
        {
            var (status, body, retryAfter) = await SendPublishAsync(gun, files, targets, cancellationToken).ConfigureAwait(false);
            if (status == HttpStatusCode.ServiceUnavailable && retryAfter is { } wait && attempt < MaxPublishAttempts)
            {
                await Task.Delay(wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait > MaxRetryWait ? MaxRetryWait : wait, cancellationToken).ConfigureAwait(false);
                continue;
            }

            return status == HttpStatusCode.OK ? ParseVersions(body) : throw Error(status, body, "publish rejected");
        }
    }

    private const int MaxPublishAttempts = 5;

    private static readonly TimeSpan MaxRetryWait = TimeSpan.FromSeconds(10);

    private async Task<(HttpStatusCode Status, byte[] Body, TimeSpan? RetryAfter)> SendPublishAsync(
        string gun, IReadOnlyList<(string Role, byte[] Bytes)> files, IReadOnlyList<(string Path, string FilePath)> targets, CancellationToken cancellationToken)
    {
        using var content = new MultipartFormDataContent();
        foreach (var (role, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            content.Add(part, "files", Uri.EscapeDataString(role) + ".json");
        }

        var streams = new List<Stream>();
        var progress = targets.Count > 0
            ? Output.TransferProgress.Start("uploading", targets.Sum(t => new FileInfo(t.FilePath).Length) + files.Sum(f => (long)f.Bytes.Length))
            : null;
        try
        {
            foreach (var (path, filePath) in targets)
            {
                Stream stream = File.OpenRead(filePath);
                if (progress is not null)
                {
                    stream = new Output.ProgressStream(stream, progress);
                }

                streams.Add(stream);
                var part = new StreamContent(stream);
                part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                content.Add(part, "target", Uri.EscapeDataString(path));
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, $"v2/{CollectionPath(gun)}/_trust/tuf/") { Content = content };
            return await SendWithRetryAfterAsync(request, "publish", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var s in streams)
            {
                await s.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Server- or user-supplied text for a message: at most 300 characters, control characters replaced.</summary>
    internal static string Printable(string? text)
    {
        text ??= "";
        var chars = text.Take(300).Select(c => char.IsControl(c) ? '?' : c).ToArray();
        return new string(chars) + (text.Length > 300 ? "…" : "");
    }

    private async Task<(HttpStatusCode Status, byte[] Body)> SendAsync(HttpRequestMessage request, string what, CancellationToken cancellationToken, int maxBytes = MaxResponseBytes)
    {
        var (status, body, _) = await SendWithRetryAfterAsync(request, what, cancellationToken, maxBytes).ConfigureAwait(false);
        return (status, body);
    }

    private async Task<(HttpStatusCode Status, byte[] Body, TimeSpan? RetryAfter)> SendWithRetryAfterAsync(HttpRequestMessage request, string what, CancellationToken cancellationToken, int maxBytes = MaxResponseBytes)
    {
        if (_token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        }

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var body = await ReadBoundedAsync(response.Content, maxBytes, cancellationToken).ConfigureAwait(false);
            return (response.StatusCode, body, response.Headers.RetryAfter?.Delta);
        }
        catch (HttpRequestException ex)
        {
            throw new ServerRequestException(null, $"cannot {what}: {Server} is unreachable ({ex.Message})", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ServerRequestException(null, $"cannot {what}: {Server} did not answer in time", ex);
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > maxBytes)
        {
            throw new ServerRequestException(null, $"the server's response is larger than {maxBytes} bytes");
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16384];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw new ServerRequestException(null, $"the server's response is larger than {maxBytes} bytes");
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    /// <summary>A server error: <c>{"code","message"}</c> when the body has them, else the HTTP status.</summary>
    private static ServerRequestException Error(HttpStatusCode status, byte[] body, string what)
    {
        string? code = null;
        string? message = null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                code = doc.RootElement.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                message = doc.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            }
        }
        catch (JsonException)
        {
            // Not a JSON error body (a proxy's page, say): report the status.
        }

        code ??= $"http_{(int)status}";
        message ??= body.Length == 0 ? $"HTTP {(int)status} {status}" : Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 200)));
        return new ServerRequestException(code, $"{what} ({Printable(code)}): {Printable(message)}");
    }

    private static Dictionary<string, long> ParseVersions(byte[] body)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("versions", out var versions) && versions.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in versions.EnumerateObject())
                {
                    if (p.Value.TryGetInt64(out long v))
                    {
                        result[p.Name] = v;
                    }
                }
            }
        }
        catch (JsonException)
        {
            // The publish succeeded (200); a body we cannot read only loses the version summary.
        }

        return result;
    }
}

/// <summary>A request to a Tuf.Server failed: unreachable, or refused with the server's error code (exit code 1).</summary>
internal sealed class ServerRequestException : IOException
{
    public ServerRequestException() { }

    public ServerRequestException(string message) : base(message) { }

    public ServerRequestException(string message, Exception innerException) : base(message, innerException) { }

    public ServerRequestException(string? code, string message, Exception? innerException = null) : base(message, innerException) => Code = code;

    /// <summary>The server's stable error code (e.g. <c>version_not_increasing</c>), when it sent one.</summary>
    public string? Code { get; }
}
