namespace Tuf.Server.Storage;

/// <summary>
/// Hosted target content opened for reading, streamed from the database rather than loaded: read
/// <see cref="Content"/>, then dispose, which gives up whatever database resources the read still holds.
/// </summary>
/// <param name="Content">The content, from its first byte.</param>
/// <param name="Length">Its length in bytes.</param>
/// <param name="Sha256">SHA-256 of the content, lowercase hex (the content is stored under it; also the ETag).</param>
internal sealed record StoredTarget(Stream Content, long Length, string Sha256) : IAsyncDisposable
{
    /// <summary>Closes the stream and the database read behind it.</summary>
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
