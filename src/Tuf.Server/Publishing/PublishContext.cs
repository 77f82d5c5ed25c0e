using Tuf.Server.Storage;

namespace Tuf.Server.Publishing;

/// <summary>What the validator needs to know about the collection as it is now.</summary>
internal sealed class PublishContext
{
    /// <summary>The collection.</summary>
    public required string Gun { get; init; }

    /// <summary>The current state (null for a new collection).</summary>
    public required CollectionState? State { get; init; }

    /// <summary>The reference time for expiry checks.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>Loads the current bytes of a role (null when absent).</summary>
    public required Func<string, CancellationToken, Task<byte[]?>> LoadCurrentAsync { get; init; }

    /// <summary>Key IDs of the server-held timestamp keys.</summary>
    public required IReadOnlySet<string> ServerTimestampKeyIds { get; init; }

    /// <summary>Key IDs of the server-held snapshot keys.</summary>
    public required IReadOnlySet<string> ServerSnapshotKeyIds { get; init; }
}
