using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tuf.Internal;

#pragma warning disable CA1507 // The strings are the Docker API's JSON field names, not names of ours.

namespace Tuf.Rollout.Swarm;

/// <summary>
/// A small typed client of the Docker Engine API (v1.41, dockerd 20.10 and later) over its unix socket or TCP: the
/// calls the swarm provider needs (inspect and update a service, list its tasks, name nodes). Specs are kept as JSON
/// objects, so an update changes only the fields it means to and keeps everything else the service had.
/// </summary>
internal sealed class DockerEngine : IDisposable
{
    /// <summary>The API version asked for (dockerd 20.10 speaks up to 1.41).</summary>
    public const string ApiVersion = "v1.41";

    private const int MaxResponseBytes = 16 << 20;

    private readonly HttpClient _http;
    private readonly string _endpoint;

    /// <summary>Connects to <paramref name="endpoint"/>: <c>unix:///path/docker.sock</c>, <c>tcp://host:port</c> or <c>http://host:port</c>.</summary>
    /// <param name="endpoint">The daemon address.</param>
    /// <exception cref="FormatException">The address is not one of those forms.</exception>
    public DockerEngine(string endpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        _endpoint = endpoint;
        if (endpoint.StartsWith("unix://", StringComparison.Ordinal))
        {
            string socket = endpoint["unix://".Length..];
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, ct) =>
                {
                    var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), ct).ConfigureAwait(false);
                        return new NetworkStream(s, ownsSocket: true);
                    }
                    catch
                    {
                        s.Dispose();
                        throw;
                    }
                },
            };
            _http = new HttpClient(handler) { BaseAddress = new Uri($"http://docker/{ApiVersion}/") };
        }
        else if (endpoint.StartsWith("tcp://", StringComparison.Ordinal) || endpoint.StartsWith("http://", StringComparison.Ordinal))
        {
            var uri = new Uri("http://" + endpoint[(endpoint.IndexOf("://", StringComparison.Ordinal) + 3)..].TrimEnd('/') + "/");
            _http = new HttpClient { BaseAddress = new Uri(uri, ApiVersion + "/") };
        }
        else
        {
            throw new FormatException($"docker endpoint '{endpoint}' must be unix:///PATH, tcp://HOST:PORT or http://HOST:PORT");
        }

        _http.Timeout = TimeSpan.FromSeconds(60);
    }

    /// <summary>The daemon address: the group file's <c>docker</c>, else <c>DOCKER_HOST</c>, else the default socket.</summary>
    /// <param name="configured">The group file's value, if any.</param>
    /// <returns>The address.</returns>
    public static string ResolveEndpoint(string? configured) =>
        configured is { Length: > 0 } ? configured
        : Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host
        : "unix:///var/run/docker.sock";

    /// <summary>Inspects a service by name or ID; null when there is none.</summary>
    public async Task<SwarmService?> InspectServiceAsync(string service, CancellationToken cancellationToken)
    {
        var (status, body, _) = await SendAsync(HttpMethod.Get, $"services/{Uri.EscapeDataString(service)}?insertDefaults=false", null, cancellationToken).ConfigureAwait(false);
        if (status == HttpStatusCode.NotFound)
        {
            return null;
        }

        Require(status, body, $"inspecting service {service}");
        return SwarmService.From(Parse(body, "service"));
    }

    /// <summary>
    /// Updates a service to <paramref name="spec"/> at version <paramref name="version"/>; returns the daemon's clock when
    /// it accepted the update (null when it did not say). A concurrent change (the version moved) throws <see cref="SwarmConflictException"/>.
    /// </summary>
    public async Task<DateTimeOffset?> UpdateServiceAsync(string serviceId, long version, JsonObject spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var (status, body, date) = await SendAsync(HttpMethod.Post, $"services/{Uri.EscapeDataString(serviceId)}/update?version={version}",
            spec.ToJsonString(), cancellationToken).ConfigureAwait(false);
        if ((int)status >= 400 && Message(body) is { } message && message.Contains("out of sequence", StringComparison.OrdinalIgnoreCase))
        {
            throw new SwarmConflictException($"service {serviceId} changed while it was being updated ({message})");
        }

        Require(status, body, $"updating service {serviceId}");
        return date;
    }

    /// <summary>The tasks of a service (every state), newest information from the daemon.</summary>
    public async Task<IReadOnlyList<SwarmTask>> ListTasksAsync(string serviceId, CancellationToken cancellationToken)
    {
        string filters = Uri.EscapeDataString("{\"service\":{\"" + serviceId.Replace("\"", "", StringComparison.Ordinal) + "\":true}}");
        var (status, body, _) = await SendAsync(HttpMethod.Get, $"tasks?filters={filters}", null, cancellationToken).ConfigureAwait(false);
        Require(status, body, $"listing the tasks of service {serviceId}");
        var list = Parse(body, "tasks") as JsonArray ?? throw new DockerException("the daemon's task list is not a JSON array");
        return list.OfType<JsonObject>().Select(SwarmTask.From).ToList();
    }

    /// <summary>Node IDs to host names (for messages).</summary>
    public async Task<IReadOnlyDictionary<string, string>> NodeNamesAsync(CancellationToken cancellationToken)
    {
        var (status, body, _) = await SendAsync(HttpMethod.Get, "nodes", null, cancellationToken).ConfigureAwait(false);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        if (status != HttpStatusCode.OK || Parse(body, "nodes") is not JsonArray nodes)
        {
            return names;
        }

        foreach (var node in nodes.OfType<JsonObject>())
        {
            if (node["ID"]?.GetValue<string>() is { } id)
            {
                names[id] = node["Description"]?["Hostname"]?.GetValue<string>() ?? id[..Math.Min(12, id.Length)];
            }
        }

        return names;
    }

    public void Dispose() => _http.Dispose();

    private async Task<(HttpStatusCode Status, byte[] Body, DateTimeOffset? Date)> SendAsync(HttpMethod method, string path, string? json, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or SocketException or IOException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new DockerException($"the docker daemon at {_endpoint} is unreachable: {ex.Message}", ex);
        }

        using (response)
        {
            if (response.Content.Headers.ContentLength is > MaxResponseBytes)
            {
                throw new DockerException($"the docker daemon's answer to {method} /{path.Split('?')[0]} is larger than {MaxResponseBytes} bytes");
            }

            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using var buffer = new MemoryStream();
                byte[] chunk = new byte[81920];
                int read;
                while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > MaxResponseBytes)
                    {
                        throw new DockerException($"the docker daemon's answer to {method} /{path.Split('?')[0]} is larger than {MaxResponseBytes} bytes");
                    }

                    buffer.Write(chunk, 0, read);
                }

                return (response.StatusCode, buffer.ToArray(), response.Headers.Date);
            }
        }
    }

    private static JsonNode? Parse(byte[] body, string what)
    {
        try
        {
            return JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException ex)
        {
            throw new DockerException($"the docker daemon's {what} answer is not JSON: {ex.Message}", ex);
        }
    }

    private static string? Message(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body)?["message"]?.GetValue<string>();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return body.Length == 0 ? null : Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300));
        }
    }

    private static void Require(HttpStatusCode status, byte[] body, string what)
    {
        if ((int)status >= 400)
        {
            throw new DockerException($"{what}: the docker daemon answered {(int)status}{(Message(body) is { } m ? ": " + ErrorText.Untrusted(m) : "")}");
        }
    }
}

/// <summary>The service changed between reading its version and updating it (another writer): read again and retry.</summary>
internal sealed class SwarmConflictException : DockerException
{
    public SwarmConflictException()
    {
    }

    public SwarmConflictException(string message)
        : base(message)
    {
    }

    public SwarmConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
