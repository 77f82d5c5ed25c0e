using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tuf.Internal;

namespace Tuf.Client.Registry;

/// <summary>
/// Reads image manifests from a registry (the Distribution API v2, as Docker does): anonymous first, then the token
/// flow (<c>WWW-Authenticate: Bearer realm=...,service=...,scope=...</c>) or HTTP Basic with the credentials
/// <c>docker login</c> stored. Manifests are bounded in size and checked against the digest asked for (and the
/// <c>Docker-Content-Digest</c> the registry names).
/// </summary>
public sealed class RegistryClient : IDisposable
{
    /// <summary>The largest manifest accepted (Docker's own limit is 4 MiB).</summary>
    public const int MaxManifestBytes = 4 << 20;

    /// <summary>The media types asked for: OCI index and manifest, Docker manifest list and v2 manifest.</summary>
    public static readonly string[] ManifestMediaTypes =
    [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ];

    private readonly HttpClient _http;
    private readonly bool _plainHttp;
    private readonly string? _dockerConfig;

    /// <summary>Creates a client.</summary>
    /// <param name="plainHttp">Use http:// for every registry (docker's "insecure registry"); loopback registries use it anyway.</param>
    /// <param name="dockerConfig">The docker config folder holding credentials (default <c>$DOCKER_CONFIG</c> or <c>~/.docker</c>).</param>
    /// <param name="handler">The HTTP handler (tests); a plain one by default.</param>
    /// <param name="timeout">Per-request timeout (default 30 s).</param>
    public RegistryClient(bool plainHttp = false, string? dockerConfig = null, HttpMessageHandler? handler = null, TimeSpan? timeout = null)
    {
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = timeout ?? TimeSpan.FromSeconds(30);
        _plainHttp = plainHttp;
        _dockerConfig = dockerConfig;
    }

    /// <summary>Fetches the manifest of <paramref name="image"/> for <paramref name="reference"/> (a tag or a <c>sha256:</c> digest).</summary>
    /// <param name="image">The image (its tag and digest are ignored: <paramref name="reference"/> says which manifest).</param>
    /// <param name="reference">A tag or a digest.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="RegistryException">Unreachable, unknown tag, refused, too large, or not matching the digest.</exception>
    public async Task<RegistryManifest> GetManifestAsync(ImageReference image, string reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrEmpty(reference);
        string scheme = _plainHttp || image.IsLoopback ? "http" : "https";
        var url = new Uri($"{scheme}://{image.Registry}/v2/{image.Repository}/manifests/{Uri.EscapeDataString(reference)}");
        string what = $"{image.Name}:{reference}".Replace(":sha256:", "@sha256:", StringComparison.Ordinal);

        using var response = await SendAuthenticatedAsync(url, image, what, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new RegistryException(ImageReference.IsDigest(reference)
                ? $"{what}: the registry has no manifest with this digest"
                : $"{what}: no such tag in {image.Name} (the registry answered 404)");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new RegistryException($"{what}: the registry answered {(int)response.StatusCode} {response.ReasonPhrase}{await ErrorDetailAsync(response, cancellationToken).ConfigureAwait(false)}");
        }

        if (response.Content.Headers.ContentLength is > MaxManifestBytes)
        {
            throw new RegistryException($"{what}: the manifest is larger than {MaxManifestBytes} bytes");
        }

        byte[] bytes = await ReadBoundedAsync(response, what, cancellationToken).ConfigureAwait(false);
        string digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var named) && named.FirstOrDefault() is { Length: > 0 } claimed && claimed != digest)
        {
            throw new RegistryException($"{what}: the registry names digest {claimed}, but the manifest it served hashes to {digest}");
        }

        if (ImageReference.IsDigest(reference) && reference != digest)
        {
            throw new RegistryException($"{what}: the registry served a manifest whose digest is {digest}");
        }

        string mediaType = response.Content.Headers.ContentType?.MediaType is { Length: > 0 } type && type != "application/json" && type != "text/plain"
            ? type
            : MediaTypeOf(bytes) ?? "application/vnd.docker.distribution.manifest.v2+json";
        return new RegistryManifest(bytes, mediaType, digest);
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAuthenticatedAsync(Uri url, ImageReference image, string what, CancellationToken cancellationToken)
    {
        var response = await SendAsync(url, null, what, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        var challenge = response.Headers.WwwAuthenticate.FirstOrDefault();
        response.Dispose();
        var credentials = DockerCredentials.Find(image.Registry, _dockerConfig);
        AuthenticationHeaderValue authorization;
        if (challenge is { Scheme: var s } && s.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            string token = await GetTokenAsync(challenge.Parameter ?? "", image, credentials, what, cancellationToken).ConfigureAwait(false);
            authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else if (credentials is { } c)
        {
            authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(c.User + ":" + c.Password)));
        }
        else
        {
            throw new RegistryException($"{what}: the registry requires credentials; run 'docker login {image.Registry}' first");
        }

        var retried = await SendAsync(url, authorization, what, cancellationToken).ConfigureAwait(false);
        if (retried.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            retried.Dispose();
            throw new RegistryException($"{what}: the registry refused the credentials of 'docker login {image.Registry}' ({(int)retried.StatusCode})");
        }

        return retried;
    }

    /// <summary>The registry token flow: GET realm?service=...&amp;scope=repository:REPO:pull, with Basic credentials when stored.</summary>
    private async Task<string> GetTokenAsync(string parameters, ImageReference image, (string User, string Password)? credentials, string what, CancellationToken cancellationToken)
    {
        var fields = ParseChallenge(parameters);
        if (!fields.TryGetValue("realm", out var realm) || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri) || realmUri.Scheme is not ("http" or "https"))
        {
            throw new RegistryException($"{what}: the registry's token challenge names no usable realm");
        }

        var query = new StringBuilder(realmUri.Query.Length > 1 ? realmUri.Query[1..] + "&" : "");
        if (fields.TryGetValue("service", out var service))
        {
            query.Append("service=").Append(Uri.EscapeDataString(service)).Append('&');
        }

        query.Append("scope=").Append(Uri.EscapeDataString(fields.TryGetValue("scope", out var scope) ? scope : $"repository:{image.Repository}:pull"));
        var tokenUrl = new UriBuilder(realmUri) { Query = query.ToString() }.Uri;
        using var request = new HttpRequestMessage(HttpMethod.Get, tokenUrl);
        if (credentials is { } c)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(c.User + ":" + c.Password)));
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new RegistryException($"{what}: the token service {realmUri.GetLeftPart(UriPartial.Path)} is unreachable: {ex.Message}", ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new RegistryException(credentials is null
                    ? $"{what}: the token service refused an anonymous token ({(int)response.StatusCode}); run 'docker login {image.Registry}' first"
                    : $"{what}: the token service refused the credentials of 'docker login {image.Registry}' ({(int)response.StatusCode})");
            }

            byte[] body = await ReadBoundedAsync(response, what + " (token)", cancellationToken).ConfigureAwait(false);
            try
            {
                using var doc = JsonDocument.Parse(body);
                foreach (var name in new[] { "token", "access_token" })
                {
                    if (doc.RootElement.TryGetProperty(name, out var t) && t.ValueKind == JsonValueKind.String && t.GetString() is { Length: > 0 } token)
                    {
                        return token;
                    }
                }
            }
            catch (JsonException)
            {
                // Reported below.
            }

            throw new RegistryException($"{what}: the token service answered without a token");
        }
    }

    private async Task<HttpResponseMessage> SendAsync(Uri url, AuthenticationHeaderValue? authorization, string what, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var type in ManifestMediaTypes)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }

        request.Headers.Authorization = authorization;
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            string reason = ex is TaskCanceledException ? "no answer within " + _http.Timeout.TotalSeconds + " s" : ex.Message;
            throw new RegistryException($"{what}: registry {url.Scheme}://{url.Authority} is unreachable: {reason}", ex);
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            byte[] chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxManifestBytes)
                {
                    throw new RegistryException($"{what}: the answer is larger than {MaxManifestBytes} bytes");
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    private static async Task<string> ErrorDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            byte[] body = await ReadBoundedAsync(response, "error", cancellationToken).ConfigureAwait(false);
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
                && errors.EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } first
                && first.TryGetProperty("message", out var message) && message.GetString() is { Length: > 0 } text)
            {
                return ": " + ErrorText.Untrusted(text.Length > 200 ? text[..200] : text);
            }
        }
        catch (Exception ex) when (ex is JsonException or RegistryException or HttpRequestException or IOException)
        {
            // No detail.
        }

        return "";
    }

    private static string? MediaTypeOf(byte[] bytes)
    {
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("mediaType", out var t) ? t.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Parses <c>realm="...",service="...",scope="..."</c>.</summary>
    internal static Dictionary<string, string> ParseChallenge(string parameters)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int i = 0;
        while (i < parameters.Length)
        {
            while (i < parameters.Length && (parameters[i] == ',' || char.IsWhiteSpace(parameters[i])))
            {
                i++;
            }

            int eq = parameters.IndexOf('=', i);
            if (eq < 0)
            {
                break;
            }

            string key = parameters[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < parameters.Length && parameters[i] == '"')
            {
                var sb = new StringBuilder();
                i++;
                while (i < parameters.Length && parameters[i] != '"')
                {
                    if (parameters[i] == '\\' && i + 1 < parameters.Length)
                    {
                        i++;
                    }

                    sb.Append(parameters[i++]);
                }

                i++;
                value = sb.ToString();
            }
            else
            {
                int end = parameters.IndexOf(',', i);
                end = end < 0 ? parameters.Length : end;
                value = parameters[i..end].Trim();
                i = end;
            }

            result[key] = value;
        }

        return result;
    }
}
