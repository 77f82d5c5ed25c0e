using Tuf.Testing;

namespace Tuf.Client.Tests.RealWorld;

/// <summary>
/// Serves a repository published by others from a local directory, mapping URLs the way a static web server would
/// (file names as stored, percent-encoded or not). Repositories checked into git often store unversioned names
/// (<c>snapshot.json</c>, <c>file.txt</c>) even with consistent snapshots on: the version or hash prefix is then
/// dropped as a fall-back (never for roots, whose version is the whole point of the request).
/// </summary>
internal sealed class DirectoryFetcher(string metadataDir, string? targetsDir) : IFetcher
{
    public static readonly Uri MetadataUrl = new("http://vectors.invalid/metadata/");
    public static readonly Uri TargetsUrl = new("http://vectors.invalid/targets/");

    public List<string> Requests { get; } = [];

    public Task<byte[]> FetchAsync(Uri uri, long maxLength, CancellationToken cancellationToken)
    {
        string full = uri.AbsoluteUri;
        Requests.Add(full);
        string? path = full.StartsWith(MetadataUrl.AbsoluteUri, StringComparison.Ordinal)
            ? FindMetadata(full[MetadataUrl.AbsoluteUri.Length..])
            : targetsDir is not null && full.StartsWith(TargetsUrl.AbsoluteUri, StringComparison.Ordinal)
                ? FindTarget(full[TargetsUrl.AbsoluteUri.Length..])
                : null;
        if (path is null)
        {
            throw new DownloadHttpException(uri, 404);
        }

        byte[] data = File.ReadAllBytes(path);
        if (data.Length > maxLength)
        {
            throw new DownloadLengthExceededException(full, maxLength);
        }

        return Task.FromResult(data);
    }

    public async Task<Stream> OpenAsync(Uri uri, long maxLength, CancellationToken cancellationToken) =>
        new MemoryStream(await FetchAsync(uri, maxLength, cancellationToken));

    private string? FindMetadata(string name)
    {
        var candidates = new List<string> { name, Uri.UnescapeDataString(name) };
        var (role, version) = RepositorySimulator.ParseMetadataName(name);
        if (role == "root")
        {
            candidates.Add("root_history/" + name);
        }
        else if (version is not null)
        {
            string unversioned = name[(name.IndexOf('.', StringComparison.Ordinal) + 1)..];
            candidates.Add(unversioned);
            candidates.Add(Uri.UnescapeDataString(unversioned));
        }

        return candidates.Select(c => Inside(metadataDir, c)).FirstOrDefault(File.Exists);
    }

    private string? FindTarget(string relative)
    {
        string decoded = Uri.UnescapeDataString(relative);
        var candidates = new List<string> { decoded };
        int slash = decoded.LastIndexOf('/');
        string file = decoded[(slash + 1)..];
        int dot = file.IndexOf('.', StringComparison.Ordinal);
        if (dot == 64 || dot == 128)
        {
            candidates.Add(decoded[..(slash + 1)] + file[(dot + 1)..]);
        }

        return candidates.Select(c => Inside(targetsDir!, c)).FirstOrDefault(File.Exists);
    }

    /// <summary>The full path of <paramref name="relative"/> under <paramref name="root"/>, or a path that does not exist when it would escape.</summary>
    private static string Inside(string root, string relative)
    {
        string full = Path.GetFullPath(Path.Combine(root, relative));
        return full.StartsWith(Path.GetFullPath(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full : "/nonexistent/escape";
    }
}
