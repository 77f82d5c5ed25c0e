using Tuf.Testing;

namespace Tuf.Client.Tests.Fetching;

/// <summary>The HTTP fetcher against a misbehaving loopback server.</summary>
public sealed class HttpFetcherTests
{
    private static HttpFetcher NewFetcher(UpdaterOptions? options = null) => new(options ?? new UpdaterOptions());

    [Fact]
    public async Task Fetch_Ok_ReturnsBody()
    {
        await using var server = RepositorySimulatorServer.Start(_ => new ServerResponse(200, [1, 2, 3]));
        using var fetcher = NewFetcher();

        Assert.Equal(new byte[] { 1, 2, 3 }, await fetcher.FetchAsync(new Uri(server.BaseUrl, "x"), 10, CancellationToken.None));
    }

    [Theory]
    [InlineData(404)]
    [InlineData(403)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Fetch_ErrorStatus_ThrowsDownloadHttpWithStatus(int status)
    {
        await using var server = RepositorySimulatorServer.Start(_ => new ServerResponse(status, []));
        using var fetcher = NewFetcher();

        var ex = await Assert.ThrowsAsync<DownloadHttpException>(() => fetcher.FetchAsync(new Uri(server.BaseUrl, "x"), 10, CancellationToken.None));
        Assert.Equal(status, ex.StatusCode);
    }

    [Fact]
    public async Task Fetch_DeclaredLengthAboveCap_ThrowsLengthExceeded()
    {
        await using var server = RepositorySimulatorServer.Start(_ => new ServerResponse(200, new byte[100]));
        using var fetcher = NewFetcher();

        await Assert.ThrowsAsync<DownloadLengthExceededException>(() => fetcher.FetchAsync(new Uri(server.BaseUrl, "x"), 99, CancellationToken.None));
    }

    [Fact]
    public async Task Fetch_EndlessBody_StopsAtTheCap()
    {
        await using var server = RepositorySimulatorServer.Start(_ => new ServerResponse(200, []) { Fault = ServerFault.EndlessBody });
        using var fetcher = NewFetcher();

        var ex = await Assert.ThrowsAsync<DownloadLengthExceededException>(() => fetcher.FetchAsync(new Uri(server.BaseUrl, "x"), 1_000_000, CancellationToken.None));
        Assert.Equal(1_000_000, ex.MaxLength);
    }

    [Fact]
    public async Task Open_EndlessBody_StreamStopsAtTheCap()
    {
        await using var server = RepositorySimulatorServer.Start(_ => new ServerResponse(200, []) { Fault = ServerFault.EndlessBody });
        using var fetcher = NewFetcher();
        await using var stream = await fetcher.OpenAsync(new Uri(server.BaseUrl, "x"), 300_000, CancellationToken.None);

        await Assert.ThrowsAsync<DownloadLengthExceededException>(() => stream.CopyToAsync(Stream.Null));
    }

    [Fact]
    public async Task Fetch_ShortBody_ThrowsDownloadError()
    {
        await using var server = RepositorySimulatorServer.Start(_ => new ServerResponse(200, [1, 2, 3]) { Fault = ServerFault.ShortBody });
        using var fetcher = NewFetcher();

        await Assert.ThrowsAsync<DownloadException>(() => fetcher.FetchAsync(new Uri(server.BaseUrl, "x"), 1000, CancellationToken.None));
    }

    [Fact]
    public async Task Fetch_SlowTrickle_AbortedAsSlowRetrieval()
    {
        await using var server = RepositorySimulatorServer.Start(_ => new ServerResponse(200, new byte[1000]) { Fault = ServerFault.Trickle, TrickleDelay = TimeSpan.FromMilliseconds(100) });
        using var fetcher = NewFetcher(new UpdaterOptions { MinimumAverageBytesPerSecond = 100, SlowRetrievalGracePeriod = TimeSpan.FromMilliseconds(500) });

        var ex = await Assert.ThrowsAsync<SlowRetrievalException>(() => fetcher.FetchAsync(new Uri(server.BaseUrl, "x"), 10_000, CancellationToken.None));
        Assert.Contains("slow retrieval", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_StalledBody_AbortedBeforeTheRequestTimeout()
    {
        await using var server = RepositorySimulatorServer.Start(_ => new ServerResponse(200, []) { Fault = ServerFault.Stall });
        using var fetcher = NewFetcher(new UpdaterOptions
        {
            RequestTimeout = TimeSpan.FromMinutes(5),
            MinimumAverageBytesPerSecond = 100,
            SlowRetrievalGracePeriod = TimeSpan.FromMilliseconds(300),
        });

        var ex = await Assert.ThrowsAsync<SlowRetrievalException>(() => fetcher.FetchAsync(new Uri(server.BaseUrl, "x"), 10_000, CancellationToken.None));
        Assert.Contains("slow retrieval", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_StalledBodyWithoutSpeedGuard_RequestTimeoutApplies()
    {
        await using var server = RepositorySimulatorServer.Start(_ => new ServerResponse(200, []) { Fault = ServerFault.Stall });
        using var fetcher = NewFetcher(new UpdaterOptions { RequestTimeout = TimeSpan.FromMilliseconds(300), MinimumAverageBytesPerSecond = 0 });

        // A body that stalls past the read timeout is a slow retrieval too.
        await Assert.ThrowsAsync<SlowRetrievalException>(() => fetcher.FetchAsync(new Uri(server.BaseUrl, "x"), 10_000, CancellationToken.None));
    }

    [Fact]
    public async Task Fetch_ConnectionRefused_ThrowsDownloadError()
    {
        Uri dead;
        await using (var server = RepositorySimulatorServer.Start(_ => ServerResponse.NotFound))
        {
            dead = new Uri(server.BaseUrl, "x");
        }

        using var fetcher = NewFetcher();
        await Assert.ThrowsAsync<DownloadException>(() => fetcher.FetchAsync(dead, 10, CancellationToken.None));
    }

    [Fact]
    public async Task Fetch_Cancelled_ThrowsOperationCanceled()
    {
        await using var server = RepositorySimulatorServer.Start(_ => new ServerResponse(200, []) { Fault = ServerFault.Stall });
        using var fetcher = NewFetcher(new UpdaterOptions { MinimumAverageBytesPerSecond = 0 });
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetcher.FetchAsync(new Uri(server.BaseUrl, "x"), 10, cts.Token));
    }
}
