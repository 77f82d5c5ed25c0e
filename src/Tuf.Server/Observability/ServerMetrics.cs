using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Tuf.Server.Observability;

/// <summary>Hand-written counters exposed at <c>/metrics</c> in the Prometheus text format.</summary>
internal sealed class ServerMetrics
{
    private readonly ConcurrentDictionary<int, long> _requests = new();
    private readonly ConcurrentDictionary<string, long> _rejections = new(StringComparer.Ordinal);
    private long _publishes;
    private long _resigns;
    private long _conflicts;

    /// <summary>Counts a finished request by status code.</summary>
    public void Request(int statusCode) => _requests.AddOrUpdate(statusCode, 1, (_, n) => n + 1);

    /// <summary>Counts an accepted publish.</summary>
    public void Published() => Interlocked.Increment(ref _publishes);

    /// <summary>Counts a rejected publish by error code.</summary>
    public void Rejected(string code) => _rejections.AddOrUpdate(code, 1, (_, n) => n + 1);

    /// <summary>Counts a publish that lost a race.</summary>
    public void Conflict() => Interlocked.Increment(ref _conflicts);

    /// <summary>Counts a background re-sign.</summary>
    public void Resigned() => Interlocked.Increment(ref _resigns);

    /// <summary>The exposition text.</summary>
    public string Render()
    {
        var sb = new StringBuilder();
        sb.Append("# HELP tuf_http_requests_total HTTP requests by status code.\n# TYPE tuf_http_requests_total counter\n");
        foreach (var (code, n) in _requests.OrderBy(p => p.Key))
        {
            sb.Append(CultureInfo.InvariantCulture, $"tuf_http_requests_total{{code=\"{code}\"}} {n}\n");
        }

        sb.Append("# HELP tuf_publishes_total Accepted publishes.\n# TYPE tuf_publishes_total counter\n");
        sb.Append(CultureInfo.InvariantCulture, $"tuf_publishes_total {Interlocked.Read(ref _publishes)}\n");
        sb.Append("# HELP tuf_publish_conflicts_total Publishes that lost an optimistic-concurrency race (409).\n# TYPE tuf_publish_conflicts_total counter\n");
        sb.Append(CultureInfo.InvariantCulture, $"tuf_publish_conflicts_total {Interlocked.Read(ref _conflicts)}\n");
        sb.Append("# HELP tuf_publish_rejections_total Rejected publishes by error code.\n# TYPE tuf_publish_rejections_total counter\n");
        foreach (var (code, n) in _rejections.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"tuf_publish_rejections_total{{code=\"{code}\"}} {n}\n");
        }

        sb.Append("# HELP tuf_timestamp_resigns_total Timestamps re-signed by the background service.\n# TYPE tuf_timestamp_resigns_total counter\n");
        sb.Append(CultureInfo.InvariantCulture, $"tuf_timestamp_resigns_total {Interlocked.Read(ref _resigns)}\n");
        return sb.ToString();
    }
}
