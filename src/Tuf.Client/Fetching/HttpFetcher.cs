using System.Net;
using Tuf.Internal;

namespace Tuf.Client;

/// <summary>
/// An <see cref="IFetcher"/> over <see cref="HttpClient"/>. Length caps are enforced while streaming (a declared
/// <c>Content-Length</c> above the cap fails at once); waiting for headers or for the next bytes is bounded by
/// <see cref="UpdaterOptions.RequestTimeout"/>, and a transfer slower on average than
/// <see cref="UpdaterOptions.MinimumAverageBytesPerSecond"/> after the grace period is aborted (slow retrieval attack).
/// </summary>
public sealed class HttpFetcher : IFetcher, IDisposable
{
    private readonly HttpClient _client;
    private readonly bool _ownsClient;
    private readonly UpdaterOptions _options;

    /// <summary>Creates a fetcher with its own <see cref="HttpClient"/> and default options.</summary>
    public HttpFetcher()
        : this((UpdaterOptions?)null)
    {
    }

    /// <summary>Creates a fetcher with its own <see cref="HttpClient"/>.</summary>
    /// <param name="options">Timeouts and the slow-retrieval guard; defaults when null.</param>
    public HttpFetcher(UpdaterOptions? options)
        : this(CreateClient(), options, ownsClient: true)
    {
    }

    /// <summary>Creates a fetcher over a caller-owned <see cref="HttpClient"/> (not disposed by the fetcher).</summary>
    /// <param name="client">The client.</param>
    /// <param name="options">Timeouts and the slow-retrieval guard; defaults when null.</param>
    public HttpFetcher(HttpClient client, UpdaterOptions? options)
        : this(client, options, ownsClient: false)
    {
    }

    private HttpFetcher(HttpClient client, UpdaterOptions? options, bool ownsClient)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _ownsClient = ownsClient;
        _options = options ?? new UpdaterOptions();
        _options.Validate();
    }

    /// <summary>Downloads a whole file of at most <paramref name="maxLength"/> bytes.</summary>
    /// <param name="uri">The address.</param>
    /// <param name="maxLength">The most bytes accepted.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="DownloadException">A failure status, a body over the cap, a slow or broken transfer.</exception>
    public async Task<byte[]> FetchAsync(Uri uri, long maxLength, CancellationToken cancellationToken)
    {
        var stream = (GuardedStream)await OpenAsync(uri, maxLength, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await stream.ReadAllAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task<Stream> OpenAsync(Uri uri, long maxLength, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DownloadException($"{ErrorText.Untrusted(uri.ToString())}: no response within {_options.RequestTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            throw new DownloadException($"{ErrorText.Untrusted(uri.ToString())}: {ex.Message}", ex);
        }

        try
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new DownloadHttpException(uri, (int)response.StatusCode);
            }

            long? declared = response.Content.Headers.ContentLength;
            if (declared > maxLength)
            {
                throw new DownloadLengthExceededException(uri.ToString(), maxLength);
            }

            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new GuardedStream(body, response, uri, maxLength, declared, _options);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Disposes the <see cref="HttpClient"/> when this fetcher created it.</summary>
    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    private static HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 5,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            UseProxy = true,
        };
        return new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }
}
