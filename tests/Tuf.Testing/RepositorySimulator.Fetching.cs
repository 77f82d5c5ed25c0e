using Tuf.Client;

namespace Tuf.Testing;

public sealed partial class RepositorySimulator
{
    /// <summary>The bytes served at <paramref name="uri"/>, refusing more than <paramref name="maxLength"/> (as a careful fetcher would).</summary>
    public Task<byte[]> FetchAsync(Uri uri, long maxLength, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        byte[] data = Serve(uri);
        if (data.Length > maxLength)
        {
            throw new DownloadLengthExceededException(uri.ToString(), maxLength);
        }

        return Task.FromResult(data);
    }

    /// <inheritdoc/>
    public async Task<Stream> OpenAsync(Uri uri, long maxLength, CancellationToken cancellationToken) =>
        new MemoryStream(await FetchAsync(uri, maxLength, cancellationToken).ConfigureAwait(false), writable: false);

    /// <summary>The bytes served at <paramref name="uri"/>; throws <see cref="DownloadHttpException"/> 404 for anything unknown.</summary>
    public byte[] Serve(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        string full = uri.AbsoluteUri;
        if (full.StartsWith(MetadataBaseUrl.AbsoluteUri, StringComparison.Ordinal))
        {
            string relative = full[MetadataBaseUrl.AbsoluteUri.Length..];
            return Finish(relative, Overrides.TryGetValue(relative, out var o) ? o : ServeMetadata(uri, relative));
        }

        if (full.StartsWith(TargetsBaseUrl.AbsoluteUri, StringComparison.Ordinal))
        {
            string relative = full[TargetsBaseUrl.AbsoluteUri.Length..];
            TargetRequests.Add(Uri.UnescapeDataString(relative));
            return Finish(relative, Overrides.TryGetValue(relative, out var o) ? o : ServeTarget(uri, Uri.UnescapeDataString(relative)));
        }

        throw new DownloadHttpException(uri, 404);
    }

    /// <summary>Parses a metadata file name: <c>N.ROLE.json</c> or <c>ROLE.json</c>, role percent-decoded.</summary>
    public static (string Role, long? Version) ParseMetadataName(string relative)
    {
        if (!relative.EndsWith(".json", StringComparison.Ordinal))
        {
            return (Uri.UnescapeDataString(relative), null);
        }

        string stem = relative[..^".json".Length];
        int dot = stem.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && long.TryParse(stem.AsSpan(0, dot), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long version))
        {
            return (Uri.UnescapeDataString(stem[(dot + 1)..]), version);
        }

        return (Uri.UnescapeDataString(stem), null);
    }

    private byte[] Finish(string relative, byte[] data) => Tamper is null ? data : Tamper(relative, data);

    private byte[] ServeMetadata(Uri uri, string relative)
    {
        var (role, version) = ParseMetadataName(relative);
        MetadataRequests.Add((role, version));
        if (role == "root")
        {
            // Roots are always fetched by version.
            if (version is { } v && v >= 1 && v <= SignedRoots.Count)
            {
                return SignedRoots[(int)v - 1];
            }

            throw new DownloadHttpException(uri, 404);
        }

        Signed? current = role switch
        {
            "timestamp" => Timestamp,
            "snapshot" => Snapshot,
            "targets" => Targets,
            _ => Delegated.GetValueOrDefault(role),
        };
        if (current is null)
        {
            throw new DownloadHttpException(uri, 404);
        }

        // Only the current version is kept; a consistent-snapshot request for another version is a 404.
        if (version is { } requested && requested != current.Version)
        {
            throw new DownloadHttpException(uri, 404);
        }

        return SignedBytesOf(role);
    }

    private byte[] ServeTarget(Uri uri, string relative)
    {
        if (Artifacts.TryGetValue(relative, out var plain) && !Root.ConsistentSnapshot)
        {
            return plain;
        }

        // Consistent snapshot: DIR/HASH.NAME with any listed hash of the target DIR/NAME.
        int slash = relative.LastIndexOf('/');
        string dir = slash < 0 ? string.Empty : relative[..(slash + 1)];
        string file = relative[(slash + 1)..];
        int dot = file.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            string hash = file[..dot];
            string path = dir + file[(dot + 1)..];
            if (Artifacts.TryGetValue(path, out var data))
            {
                foreach (string algorithm in TargetHashAlgorithms)
                {
                    if (HashHex(algorithm, data) == hash || AllTargets().Any(t => t.Targets.TargetFiles.TryGetValue(path, out var f) && f.Hashes.Values.Contains(hash)))
                    {
                        return data;
                    }
                }
            }
        }

        if (Artifacts.TryGetValue(relative, out var fallback))
        {
            return fallback;
        }

        throw new DownloadHttpException(uri, 404);
    }
}
