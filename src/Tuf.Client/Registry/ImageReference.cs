using System.Text.RegularExpressions;

namespace Tuf.Client.Registry;

/// <summary>
/// A container image reference as Docker reads it: <c>[REGISTRY/]REPOSITORY[:TAG][@sha256:HEX]</c>. A first component
/// with a <c>.</c> or <c>:</c>, or <c>localhost</c>, is a registry; otherwise the registry is Docker Hub and a
/// one-component repository gets <c>library/</c>.
/// </summary>
/// <param name="Registry">The registry host (and port), e.g. <c>127.0.0.1:5000</c> or <c>registry-1.docker.io</c>.</param>
/// <param name="Repository">The repository path, e.g. <c>team/web</c>.</param>
/// <param name="Tag">The tag, when given.</param>
/// <param name="Digest">The digest (<c>sha256:HEX</c>), when given.</param>
public sealed partial record ImageReference(string Registry, string Repository, string? Tag, string? Digest)
{
    /// <summary>Docker Hub's registry host.</summary>
    public const string DockerHub = "registry-1.docker.io";

    /// <summary>The name without tag or digest, as written in a service spec (<c>REGISTRY/REPOSITORY</c>).</summary>
    public string Name => Registry == DockerHub ? "docker.io/" + Repository : Registry + "/" + Repository;

    /// <summary>The reference pinned to <paramref name="digest"/> (<c>NAME@sha256:HEX</c>), never a tag.</summary>
    public string PinnedTo(string digest) => Name + "@" + digest;

    /// <summary>Whether the registry is on this machine (loopback), where plain HTTP is the default as for docker.</summary>
    public bool IsLoopback
    {
        get
        {
            string host = Registry.StartsWith('[') ? Registry[..(Registry.IndexOf(']', StringComparison.Ordinal) + 1)] : Registry.Split(':')[0];
            return host is "localhost" or "[::1]" || host.StartsWith("127.", StringComparison.Ordinal);
        }
    }

    /// <summary>Parses a reference; throws <see cref="FormatException"/> naming what is wrong.</summary>
    /// <param name="text">The reference.</param>
    /// <returns>The parsed reference.</returns>
    public static ImageReference Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string rest = text;
        string? digest = null;
        int at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
            if (!IsDigest(digest))
            {
                throw new FormatException($"image '{text}': the digest must be sha256: followed by 64 lowercase hex digits");
            }
        }

        string? tag = null;
        int slash = rest.LastIndexOf('/');
        int colon = rest.LastIndexOf(':');
        if (colon > slash)
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!TagPattern().IsMatch(tag))
            {
                throw new FormatException($"image '{text}': '{tag}' is not a valid tag (letters, digits, '_', '.', '-', at most 128)");
            }
        }

        string registry = DockerHub;
        string repository = rest;
        int first = rest.IndexOf('/', StringComparison.Ordinal);
        if (first > 0)
        {
            string head = rest[..first];
            if (head.Contains('.', StringComparison.Ordinal) || head.Contains(':', StringComparison.Ordinal) || head == "localhost")
            {
                registry = head == "docker.io" || head == "index.docker.io" ? DockerHub : head;
                repository = rest[(first + 1)..];
            }
        }

        if (registry == DockerHub && !repository.Contains('/', StringComparison.Ordinal))
        {
            repository = "library/" + repository;
        }

        if (repository.Length == 0 || !RepositoryPattern().IsMatch(repository))
        {
            throw new FormatException($"image '{text}': '{repository}' is not a valid repository name (lowercase letters, digits, '.', '_', '-', '/')");
        }

        return new ImageReference(registry, repository, tag, digest);
    }

    /// <summary>Whether <paramref name="digest"/> is <c>sha256:</c> and 64 lowercase hex digits.</summary>
    public static bool IsDigest(string? digest) => digest is not null && DigestPattern().IsMatch(digest);

    /// <inheritdoc/>
    public override string ToString() => Name + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    [GeneratedRegex("^sha256:[0-9a-f]{64}$")]
    private static partial Regex DigestPattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();

    [GeneratedRegex("^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex RepositoryPattern();
}
