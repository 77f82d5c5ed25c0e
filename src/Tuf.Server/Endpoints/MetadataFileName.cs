using System.Globalization;

namespace Tuf.Server.Endpoints;

/// <summary>A parsed metadata file name: <c>{role}.json</c>, <c>{N}.{role}.json</c> or (Notary) <c>{role}.{sha256}.json</c>.</summary>
/// <param name="Role">Role name (already percent-decoded).</param>
/// <param name="Version">The version for versioned names.</param>
/// <param name="Sha256">The hash for hashed names.</param>
internal sealed record MetadataFileName(string Role, long? Version, string? Sha256)
{
    /// <summary>Whether the name can never refer to other bytes (so it may be cached forever).</summary>
    public bool IsImmutable => Version is not null || Sha256 is not null;

    /// <summary>Parses a file name; null when it is not a metadata file name.</summary>
    public static MetadataFileName? Parse(string file, bool allowHashed)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!file.EndsWith(".json", StringComparison.Ordinal) || file.Length <= 5)
        {
            return null;
        }

        var stem = file[..^5];
        var dot = stem.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && dot < stem.Length - 1 && stem[..dot].All(char.IsAsciiDigit)
            && long.TryParse(stem[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version >= 1)
        {
            return new MetadataFileName(stem[(dot + 1)..], version, null);
        }

        var last = stem.LastIndexOf('.');
        if (allowHashed && last > 0 && stem.Length - last - 1 == 64 && stem[(last + 1)..].All(char.IsAsciiHexDigit))
        {
            return new MetadataFileName(stem[..last], null, stem[(last + 1)..].ToLowerInvariant());
        }

        return new MetadataFileName(stem, null, null);
    }
}
