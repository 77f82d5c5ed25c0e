using System.Text.Json;
using Tuf.Internal;
using Tuf.Server.Observability;

namespace Tuf.Server.Endpoints;

/// <summary>
/// Turns every failure into a JSON error body with a stable code: <see cref="ApiException"/> as given, Kestrel's
/// request errors (413 and friends), malformed bodies as 400, unmatched routes as 404/405, and anything else as a
/// 500 without details. Also counts responses for <c>/metrics</c>.
/// </summary>
internal sealed partial class ErrorHandlingMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ServerMetrics _metrics;
    private readonly ILogger<ErrorHandlingMiddleware> _logger;

    /// <summary>Creates the middleware.</summary>
    public ErrorHandlingMiddleware(RequestDelegate next, ServerMetrics metrics, ILogger<ErrorHandlingMiddleware> logger)
    {
        _next = next;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Runs the pipeline.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await _next(context).ConfigureAwait(false);
            if (context.Response.StatusCode is 404 or 405 && !context.Response.HasStarted && context.Response.ContentLength is null && context.Response.ContentType is null)
            {
                await WriteAsync(context, context.Response.StatusCode,
                    context.Response.StatusCode == 404 ? ErrorCodes.NotFound : ErrorCodes.MethodNotAllowed,
                    context.Response.StatusCode == 404 ? "No such resource." : "Method not allowed here.").ConfigureAwait(false);
            }
        }
        catch (ApiException e)
        {
            await WriteAsync(context, e.StatusCode, e.Code, e.Message, e.RetryAfterSeconds, e.Challenge).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            if (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await WriteAsync(context, 413, ErrorCodes.BodyTooLarge, "The request body is larger than the server accepts.").ConfigureAwait(false);
            }
            else if (e.StatusCode == StatusCodes.Status408RequestTimeout)
            {
                await WriteAsync(context, 408, ErrorCodes.RequestTimeout, "The request body arrived too slowly (Kestrel's minimum data rate); send it again.").ConfigureAwait(false);
            }
            else
            {
                await WriteAsync(context, e.StatusCode is >= 400 and < 500 ? e.StatusCode : 400, ErrorCodes.BadRequest, "Malformed request.").ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception e) when (e is InvalidDataException or IOException && !context.RequestAborted.IsCancellationRequested)
        {
            await WriteAsync(context, 400, ErrorCodes.MalformedMultipart, "The request body is malformed: " + ErrorText.Untrusted(e.Message)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogUnhandled(_logger, context.Request.Method, e);
            await WriteAsync(context, 500, ErrorCodes.Internal, "Internal server error.").ConfigureAwait(false);
        }
        finally
        {
            _metrics.Request(context.Response.StatusCode);
        }
    }

    private static async Task WriteAsync(HttpContext context, int status, string code, string message, int? retryAfterSeconds = null, string? challenge = null)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        context.Response.Clear();
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = challenge ?? "Bearer realm=\"tuf-server\"";
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        if (retryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var error = new ApiError(code, message);
        if (context.Request.Path.StartsWithSegments("/v2", StringComparison.Ordinal))
        {
            error = error with { Errors = [Notary.NotaryErrors.Entry(status, code, message)] };
        }

        await JsonSerializer.SerializeAsync(context.Response.Body, error, ServerJsonContext.Default.ApiError, context.RequestAborted).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Error, Message = "Unhandled error in {Method} request")]
    private static partial void LogUnhandled(ILogger logger, string method, Exception exception);
}
