using System.Text.Json;
using Tuf.Client.Registry;

namespace Tuf.Rollout.Swarm;

/// <summary>
/// The group file of the swarm provider:
/// <code>
/// { "provider": "swarm", "service": "web", "image": "127.0.0.1:5000/web", "docker": "unix:///var/run/docker.sock" }
/// </code>
/// <c>image</c> is the repository the service runs (pinned by digest at every update); <c>docker</c> is optional
/// (<c>DOCKER_HOST</c>, then the default socket); <c>plainHttp</c> (optional) talks to the registry over http://.
/// </summary>
/// <param name="Path">Absolute path of the group file.</param>
/// <param name="Service">The service name or ID.</param>
/// <param name="Image">The image repository (no tag, no digest).</param>
/// <param name="Docker">The daemon address, or null for the default.</param>
/// <param name="PlainHttp">Whether the registry is reached over plain HTTP.</param>
public sealed record SwarmGroup(string Path, string Service, ImageReference Image, string? Docker, bool PlainHttp)
{
    /// <summary>The folder holding the journal and the trusted metadata of this group.</summary>
    public string StateDirectory => Path + ".state";

    /// <summary>Reads a swarm group from a parsed group file.</summary>
    /// <exception cref="FormatException">A field is missing or wrong (the message says which).</exception>
    /// <param name="path">Absolute path of the group file (its state folder is beside it).</param>
    /// <param name="root">The parsed file.</param>
    /// <returns>The group.</returns>
    public static SwarmGroup Parse(string path, JsonElement root)
    {
        string service = Required(root, "service");
        if (service.Length > 200 || service.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new FormatException($"group file: \"service\" '{service}' must be a service name or ID (letters, digits, '-', '_', '.')");
        }

        ImageReference image;
        try
        {
            image = ImageReference.Parse(Required(root, "image"));
        }
        catch (FormatException ex)
        {
            throw new FormatException($"group file: \"image\": {ex.Message}", ex);
        }

        if (image.Tag is not null || image.Digest is not null)
        {
            throw new FormatException("group file: \"image\" names the repository only (no tag, no digest): the verified digest is pinned at each update");
        }

        string? docker = null;
        if (root.TryGetProperty("docker", out var d))
        {
            docker = d.ValueKind == JsonValueKind.String ? d.GetString() : throw new FormatException("group file: \"docker\" must be a string (unix:///PATH or tcp://HOST:PORT)");
            if (docker is not { Length: > 0 } || !(docker.StartsWith("unix://", StringComparison.Ordinal) || docker.StartsWith("tcp://", StringComparison.Ordinal) || docker.StartsWith("http://", StringComparison.Ordinal)))
            {
                throw new FormatException("group file: \"docker\" must be unix:///PATH, tcp://HOST:PORT or http://HOST:PORT");
            }
        }

        bool plain = root.TryGetProperty("plainHttp", out var p) && (p.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? p.GetBoolean()
            : throw new FormatException("group file: \"plainHttp\" must be true or false"));
        return new SwarmGroup(path, service, image, docker, plain);
    }

    private static string Required(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s
            ? s
            : throw new FormatException($"group file: \"{name}\" is required (a string)");
}
