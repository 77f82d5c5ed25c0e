namespace Tuf.Server.Storage;

/// <summary>
/// Hosted target content opened for reading, streamed from the database rather than loaded: read
/// <see cref="Content"/>, then dispose, which ends the database read.
/// </summary>
internal sealed class StoredTarget : IAsyncDisposable
{
    private readonly IAsyncDisposable[] _owned;

    /// <summary>Wraps an open content stream and what must be closed after it (reader, command, connection; innermost first).</summary>
    public StoredTarget(Stream content, long length, string sha256, params IAsyncDisposable[] owned)
    {
        Content = content;
        Length = length;
        Sha256 = sha256;
        _owned = owned;
    }

    /// <summary>The content, from its first byte.</summary>
    public Stream Content { get; }

    /// <summary>Its length in bytes.</summary>
    public long Length { get; }

    /// <summary>SHA-256 of the content, lowercase hex (the content is stored under it; also the ETag).</summary>
    public string Sha256 { get; }

    /// <summary>Closes the stream and the database read behind it.</summary>
    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync().ConfigureAwait(false);
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync().ConfigureAwait(false);
        }
    }
}
