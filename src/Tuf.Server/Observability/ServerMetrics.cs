using Prometheus;

namespace Tuf.Server.Observability;

/// <summary>
/// The server's Prometheus metrics (prometheus-net), exposed at <c>/metrics</c>: the counters below under their
/// established names, plus the process and .NET runtime metrics prometheus-net collects. Each server instance has its
/// own registry, so several servers in one process (tests) do not share counts.
/// </summary>
internal sealed class ServerMetrics
{
    private readonly Counter _requests;
    private readonly Counter _publishes;
    private readonly Counter _rejections;
    private readonly Counter _conflicts;
    private readonly Counter _resigns;
    private readonly Counter.Child _ok;
    private readonly Counter.Child _notModified;
    private readonly Counter.Child _notFound;

    public ServerMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        var factory = Metrics.WithCustomRegistry(Registry);
        // No exemplars: the server exports none, and looking up the trace context costs on every request.
        factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        _requests = factory.CreateCounter("tuf_http_requests_total", "HTTP requests by status code.", new CounterConfiguration { LabelNames = ["code"] });
        _publishes = factory.CreateCounter("tuf_publishes_total", "Accepted publishes.");
        _conflicts = factory.CreateCounter("tuf_publish_conflicts_total", "Publishes that lost an optimistic-concurrency race (409).");
        _rejections = factory.CreateCounter("tuf_publish_rejections_total", "Rejected publishes by error code.", new CounterConfiguration { LabelNames = ["code"] });
        _resigns = factory.CreateCounter("tuf_timestamp_resigns_total", "Timestamps re-signed by the background service.");

        // The read path's statuses, looked up once (the label lookup is the cost of a counter per request).
        _ok = _requests.WithLabels("200");
        _notModified = _requests.WithLabels("304");
        _notFound = _requests.WithLabels("404");
    }

    /// <summary>The registry <c>/metrics</c> exports.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Counts a finished request by status code.</summary>
    public void Request(int statusCode) => (statusCode switch
    {
        200 => _ok,
        304 => _notModified,
        404 => _notFound,
        _ => _requests.WithLabels(statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    }).Inc();

    /// <summary>Counts an accepted publish.</summary>
    public void Published() => _publishes.Inc();

    /// <summary>Counts a rejected publish by error code.</summary>
    public void Rejected(string code) => _rejections.WithLabels(code).Inc();

    /// <summary>Counts a publish that lost a race.</summary>
    public void Conflict() => _conflicts.Inc();

    /// <summary>Counts a background re-sign.</summary>
    public void Resigned() => _resigns.Inc();

    /// <summary>The exposition text (what <c>/metrics</c> serves).</summary>
    public async Task<string> RenderAsync(CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream();
        await Registry.CollectAndExportAsTextAsync(stream, cancellationToken).ConfigureAwait(false);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
