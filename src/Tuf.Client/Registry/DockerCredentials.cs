using System.Text;
using System.Text.Json;

namespace Tuf.Client.Registry;

/// <summary>
/// Registry credentials as <c>docker login</c> stores them in <c>~/.docker/config.json</c> (or <c>$DOCKER_CONFIG/config.json</c>):
/// <c>auths[REGISTRY].auth</c>, base64 of <c>user:password</c> (or separate <c>username</c>/<c>password</c>). Credential
/// helpers (<c>credsStore</c>, <c>credHelpers</c>) are not run.
/// </summary>
internal static class DockerCredentials
{
    /// <summary>The user name and password stored for <paramref name="registry"/>, or null.</summary>
    /// <param name="registry">The registry host (and port).</param>
    /// <param name="configDirectory">The docker config folder; <c>$DOCKER_CONFIG</c> or <c>~/.docker</c> by default.</param>
    /// <returns>The credentials, or null when none are stored.</returns>
    /// <exception cref="FormatException">The config file exists but cannot be read as JSON.</exception>
    public static (string User, string Password)? Find(string registry, string? configDirectory = null)
    {
        configDirectory ??= Environment.GetEnvironmentVariable("DOCKER_CONFIG") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        string path = Path.Combine(configDirectory, "config.json");
        if (!File.Exists(path) || new FileInfo(path).Length > 1 << 20)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (!doc.RootElement.TryGetProperty("auths", out var auths) || auths.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (var entry in auths.EnumerateObject())
            {
                if (!SameRegistry(entry.Name, registry) || entry.Value.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                if (entry.Value.TryGetProperty("auth", out var auth) && auth.ValueKind == JsonValueKind.String && auth.GetString() is { Length: > 0 } encoded)
                {
                    string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                    int colon = decoded.IndexOf(':', StringComparison.Ordinal);
                    if (colon > 0)
                    {
                        return (decoded[..colon], decoded[(colon + 1)..]);
                    }
                }

                if (entry.Value.TryGetProperty("username", out var user) && entry.Value.TryGetProperty("password", out var password)
                    && user.GetString() is { Length: > 0 } u && password.GetString() is { } p)
                {
                    return (u, p);
                }
            }

            return null;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            throw new FormatException($"{path}: cannot read registry credentials ({ex.Message})", ex);
        }
    }

    /// <summary>Docker Hub is stored as <c>https://index.docker.io/v1/</c>; others by host, possibly with a scheme.</summary>
    private static bool SameRegistry(string key, string registry)
    {
        string host = key;
        if (host.Contains("://", StringComparison.Ordinal))
        {
            host = host[(host.IndexOf("://", StringComparison.Ordinal) + 3)..];
        }

        host = host.TrimEnd('/');
        int slash = host.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            host = host[..slash];
        }

        if (registry == ImageReference.DockerHub)
        {
            return host is "index.docker.io" or "docker.io" or ImageReference.DockerHub;
        }

        return string.Equals(host, registry, StringComparison.OrdinalIgnoreCase);
    }
}
