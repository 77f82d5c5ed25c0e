using Tuf.Internal;

namespace Tuf.Client;

/// <summary>Downloads through an <see cref="IFetcher"/> with the client's own guards, whatever the fetcher does.</summary>
internal static class GuardedFetch
{
    /// <summary>
    /// Opens <paramref name="uri"/> through the fetcher and returns it guarded by the caller's limits (length cap,
    /// read timeout, minimum speed); anything the fetcher throws other than a <see cref="TufException"/> or the
    /// caller's cancellation becomes a <see cref="DownloadException"/>.
    /// </summary>
    public static async Task<GuardedStream> OpenAsync(IFetcher fetcher, Uri uri, long maxLength, UpdaterOptions options, CancellationToken cancellationToken)
    {
        Stream? stream;
        try
        {
            stream = await fetcher.OpenAsync(uri, maxLength, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DownloadException($"{ErrorText.Untrusted(uri.ToString())}: the fetcher gave up ({ErrorText.Untrusted(ex.Message)})", ex);
        }
        catch (Exception ex) when (ex is not TufException and not OperationCanceledException)
        {
            throw new DownloadException($"{ErrorText.Untrusted(uri.ToString())}: {ErrorText.Untrusted(ex.Message)}", ex);
        }

        if (stream is null)
        {
            throw new DownloadException($"{ErrorText.Untrusted(uri.ToString())}: the fetcher returned no stream");
        }

        // HttpFetcher's streams carry these same guards already (for the cap asked for); any other stream gets them here.
        return stream is GuardedStream guarded && guarded.MaxLength <= maxLength && guarded.Uri == uri
            ? guarded
            : new GuardedStream(stream, null, uri, maxLength, null, options);
    }

    /// <summary>Downloads a whole file of at most <paramref name="maxLength"/> bytes through <see cref="OpenAsync"/>.</summary>
    public static async Task<byte[]> FetchAsync(IFetcher fetcher, Uri uri, long maxLength, UpdaterOptions options, CancellationToken cancellationToken)
    {
        var stream = await OpenAsync(fetcher, uri, maxLength, options, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await stream.ReadAllAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
