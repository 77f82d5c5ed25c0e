namespace Tuf.Client;

/// <summary>Fetches repository files with a length cap. Implementations throw <see cref="DownloadException"/>
/// subtypes: <see cref="DownloadHttpException"/> for a missing file (404/403) or another failure status, and
/// <see cref="DownloadLengthExceededException"/> as soon as more than the allowed bytes arrive.</summary>
public interface IFetcher
{
    /// <summary>Downloads a whole file of at most <paramref name="maxLength"/> bytes.</summary>
    /// <param name="uri">The address.</param>
    /// <param name="maxLength">The most bytes accepted.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>The bytes.</returns>
    Task<byte[]> FetchAsync(Uri uri, long maxLength, CancellationToken cancellationToken);

    /// <summary>Opens a file for streaming; the stream throws <see cref="DownloadLengthExceededException"/> when
    /// more than <paramref name="maxLength"/> bytes arrive.</summary>
    /// <param name="uri">The address.</param>
    /// <param name="maxLength">The most bytes accepted.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>A stream of the body; the caller disposes it.</returns>
    Task<Stream> OpenAsync(Uri uri, long maxLength, CancellationToken cancellationToken);
}
