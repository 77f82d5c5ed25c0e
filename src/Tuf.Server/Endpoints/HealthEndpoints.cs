using Tuf.Server.Observability;
using Tuf.Server.Storage;

namespace Tuf.Server.Endpoints;

/// <summary><c>/healthz</c> (process is up), <c>/readyz</c> (database reachable), <c>/metrics</c> (Prometheus text).</summary>
internal static class HealthEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Text("ok"));
        app.MapGet("/readyz", ReadyAsync);
        app.MapGet("/metrics", async (ServerMetrics metrics, CancellationToken cancellationToken) =>
            TypedResults.Text(await metrics.RenderAsync(cancellationToken).ConfigureAwait(false), "text/plain; version=0.0.4; charset=utf-8"));
        return app;
    }

    private static async Task<IResult> ReadyAsync(ICollectionStore store, CancellationToken cancellationToken)
    {
        try
        {
            await store.PingAsync(cancellationToken).ConfigureAwait(false);
            return TypedResults.Text("ready");
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            throw new ApiException(StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable, "The database is not reachable.");
        }
    }
}
