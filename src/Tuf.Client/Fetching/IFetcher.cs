namespace Tuf.Client;

/// <summary>
/// A transport for repository files (HTTP by default: <see cref="HttpFetcher"/>). The <see cref="Updater"/> does not
/// rely on an implementation to keep any limit: it reads every stream through its own guard, which cuts it off past
/// the length allowed, enforces the read timeout and minimum average speed (slow retrieval), and reports anything the
/// stream throws as a <see cref="DownloadException"/>. Implementations should still stop early when they can.
/// </summary>
public interface IFetcher
{
    /// <summary>Opens a file for streaming.</summary>
    /// <param name="uri">The address.</param>
    /// <param name="maxLength">The most bytes the caller accepts (a hint: reading past it fails anyway).</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>A stream of the body; the caller disposes it.</returns>
    /// <exception cref="DownloadHttpException">The file is missing (404/403) or another failure status came back.</exception>
    Task<Stream> OpenAsync(Uri uri, long maxLength, CancellationToken cancellationToken);
}
