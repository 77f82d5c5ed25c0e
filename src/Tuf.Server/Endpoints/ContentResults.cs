using Microsoft.Extensions.Primitives;
using Tuf.Server.Storage;

namespace Tuf.Server.Endpoints;

/// <summary>Responses that serve stored bytes exactly, with an ETag (conditional GET gives 304) and cache headers.</summary>
internal static class ContentResults
{
    /// <summary>Cache-Control of names that always denote the same bytes (versioned or hashed).</summary>
    public const string Immutable = "public, max-age=31536000, immutable";

    /// <summary>Cache-Control of <c>timestamp.json</c> and other unversioned names.</summary>
    public const string ShortLived = "public, max-age=10";

    /// <summary>Serves bytes with the given ETag (a SHA-256 hex) and caching.</summary>
    public static IResult Bytes(HttpContext context, byte[] data, string contentType, string sha256, bool immutable)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(data);
        return new StoredBytes(data, contentType, "\"" + sha256 + "\"", immutable ? Immutable : ShortLived);
    }

    /// <summary>A JSON error result.</summary>
    public static ApiException NotFound(string what) => new(StatusCodes.Status404NotFound, ErrorCodes.NotFound, what);

    /// <summary>Streams hosted target content (the result disposes it), with its SHA-256 as the ETag.</summary>
    public static IResult Target(StoredTarget target, bool immutable)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new StreamedTarget(target, "\"" + target.Sha256 + "\"", immutable ? Immutable : ShortLived);
    }

    /// <summary>Headers, conditional GET and HEAD for stored content; the body is left to the subclass. No ranges.</summary>
    private abstract class StoredContent(long length, string contentType, string entityTag, string cacheControl) : IResult
    {
        /// <summary>The most body bytes handed to Kestrel before waiting for the client to take them.</summary>
        protected const int MaxPieceBytes = 256 * 1024;

        public virtual async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            var headers = response.Headers;
            headers.ETag = entityTag;
            headers.CacheControl = cacheControl;
            if (Matches(httpContext.Request.Headers.IfNoneMatch, entityTag))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }

            response.ContentType = contentType;
            response.ContentLength = length;
            if (HttpMethods.IsHead(httpContext.Request.Method) || length == 0)
            {
                return;
            }

            // Headers first: body bytes written before them are buffered and copied once more by Kestrel.
            await response.StartAsync(httpContext.RequestAborted).ConfigureAwait(false);
            await WriteBodyAsync(response.BodyWriter, httpContext.RequestAborted).ConfigureAwait(false);
        }

        /// <summary>
        /// Writes the body, at most <see cref="MaxPieceBytes"/> at a time before a flush: a client that reads slowly (or
        /// not at all) holds a piece of memory, not a copy of the whole file (a 15 MB targets.json per connection, before).
        /// </summary>
        protected abstract Task WriteBodyAsync(System.IO.Pipelines.PipeWriter writer, CancellationToken cancellationToken);

        /// <summary>If-None-Match (RFC 9110 13.1.2): <c>*</c> or any listed tag, compared weakly.</summary>
        private static bool Matches(StringValues ifNoneMatch, string entityTag)
        {
            foreach (var value in ifNoneMatch)
            {
                foreach (var part in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    var tag = part.StartsWith("W/", StringComparison.Ordinal) ? part[2..] : part;
                    if (tag == "*" || string.Equals(tag, entityTag, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }

    /// <summary>
    /// The hot path of every read: headers set directly and the body copied into the response pipe in one piece up to
    /// 256 KiB (one buffer of the body's size instead of Kestrel's 4 KiB blocks, measured in bench/README.md).
    /// </summary>
    private sealed class StoredBytes(byte[] data, string contentType, string entityTag, string cacheControl)
        : StoredContent(data.Length, contentType, entityTag, cacheControl)
    {
        protected override async Task WriteBodyAsync(System.IO.Pipelines.PipeWriter writer, CancellationToken cancellationToken)
        {
            int written = 0;
            while (written < data.Length)
            {
                int end = Math.Min(data.Length, written + MaxPieceBytes);
                while (written < end)
                {
                    var memory = writer.GetMemory(end - written);
                    int n = Math.Min(memory.Length, end - written);
                    data.AsSpan(written, n).CopyTo(memory.Span);
                    writer.Advance(n);
                    written += n;
                }

                var flushed = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Hosted target content read from the database as it is sent, a piece at a time.</summary>
    private sealed class StreamedTarget(StoredTarget target, string entityTag, string cacheControl)
        : StoredContent(target.Length, "application/octet-stream", entityTag, cacheControl)
    {
        public override async Task ExecuteAsync(HttpContext httpContext)
        {
            await using (target.ConfigureAwait(false))
            {
                await base.ExecuteAsync(httpContext).ConfigureAwait(false);
            }
        }

        protected override async Task WriteBodyAsync(System.IO.Pipelines.PipeWriter writer, CancellationToken cancellationToken)
        {
            long remaining = target.Length;
            while (remaining > 0)
            {
                var memory = writer.GetMemory((int)Math.Min(MaxPieceBytes, remaining));
                int n = await target.Content.ReadAsync(memory[..(int)Math.Min(memory.Length, remaining)], cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new IOException($"The stored content ended {remaining} bytes early.");
                }

                writer.Advance(n);
                remaining -= n;
                var flushed = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    return;
                }
            }
        }
    }
}