using Tuf.Client;

namespace Tuf.Cli.Output;

/// <summary>
/// The HTTP fetcher, with a progress line for target downloads at a terminal (metadata is small and not shown). The
/// Updater still applies every limit itself; this only watches the bytes go by.
/// </summary>
internal sealed class ProgressFetcher(UpdaterOptions options, Uri targetsBaseUrl) : IFetcher, IDisposable
{
    private readonly HttpFetcher _inner = new(options);

    public async Task<Stream> OpenAsync(Uri uri, long maxLength, CancellationToken cancellationToken)
    {
        var stream = await _inner.OpenAsync(uri, maxLength, cancellationToken).ConfigureAwait(false);
        if (!uri.AbsoluteUri.StartsWith(targetsBaseUrl.AbsoluteUri, StringComparison.Ordinal)
            || TransferProgress.Start("downloading " + Uri.UnescapeDataString(uri.Segments[^1]), maxLength) is not { } progress)
        {
            return stream;
        }

        return new ProgressStream(stream, progress);
    }

    public void Dispose() => _inner.Dispose();
}
