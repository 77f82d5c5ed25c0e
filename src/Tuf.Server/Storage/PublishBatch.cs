namespace Tuf.Server.Storage;

/// <summary>Everything one publish writes, applied atomically.</summary>
internal sealed class PublishBatch
{
    /// <summary>The collection.</summary>
    public required string Gun { get; init; }

    /// <summary>The generation the publish was validated against (0 for a new collection).</summary>
    public required long ExpectedGeneration { get; init; }

    /// <summary>New metadata files; each becomes its role's current file.</summary>
    public required IReadOnlyList<NewMetadata> Files { get; init; }

    /// <summary>Hosted target content to bind to the collection.</summary>
    public IReadOnlyList<HostedTarget> Targets { get; init; } = [];

    /// <summary>When the new timestamp expires (or the server-managed snapshot, whichever is first): drives re-signing.</summary>
    public required DateTimeOffset ResignDue { get; init; }

    /// <summary>Change-feed category ("update", "resign").</summary>
    public string Category { get; init; } = "update";

    /// <summary>When the change happened.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A metadata file to store.</summary>
/// <param name="Role">Role name.</param>
/// <param name="Version">Metadata version.</param>
/// <param name="Data">Exact bytes.</param>
internal sealed record NewMetadata(string Role, long Version, byte[] Data);

/// <summary>Target content verified against the collection's targets metadata.</summary>
/// <param name="Path">Target path.</param>
/// <param name="Hashes">Every hash the metadata lists (algorithm to lowercase hex).</param>
/// <param name="Content">The bytes, streamed into the database from a temporary file.</param>
internal sealed record HostedTarget(string Path, IReadOnlyDictionary<string, string> Hashes, Publishing.SpooledTarget Content);
