using System.Security.Cryptography;
using Microsoft.Extensions.Primitives;

namespace Tuf.Server.Endpoints;

/// <summary>Responses that serve stored bytes exactly, with an ETag (conditional GET gives 304) and cache headers.</summary>
internal static class ContentResults
{
    /// <summary>Cache-Control of names that always denote the same bytes (versioned or hashed).</summary>
    public const string Immutable = "public, max-age=31536000, immutable";

    /// <summary>Cache-Control of <c>timestamp.json</c> and other unversioned names.</summary>
    public const string ShortLived = "public, max-age=10";

    /// <summary>Serves bytes with the given ETag (a SHA-256 hex) and caching.</summary>
    public static IResult Bytes(HttpContext context, byte[] data, string contentType, string? sha256, bool immutable)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(data);
        sha256 ??= Convert.ToHexStringLower(SHA256.HashData(data));
        return new StoredBytes(data, contentType, "\"" + sha256 + "\"", immutable ? Immutable : ShortLived);
    }

    /// <summary>A JSON error result.</summary>
    public static ApiException NotFound(string what) => new(StatusCodes.Status404NotFound, ErrorCodes.NotFound, what);

    /// <summary>
    /// The hot path of every read: headers set directly and the body copied into the response pipe in one piece
    /// (one buffer of the body's size instead of Kestrel's 4 KiB blocks, measured in bench/README.md). No ranges.
    /// </summary>
    private sealed class StoredBytes(byte[] data, string contentType, string entityTag, string cacheControl) : IResult
    {
        /// <summary>The most body bytes handed to Kestrel before waiting for the client to take them.</summary>
        private const int MaxPieceBytes = 256 * 1024;

        public async Task ExecuteAsync(HttpContext httpContext)
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
            response.ContentLength = data.Length;
            if (HttpMethods.IsHead(httpContext.Request.Method) || data.Length == 0)
            {
                return;
            }

            // Headers first: body bytes written before them are buffered and copied once more by Kestrel.
            await response.StartAsync(httpContext.RequestAborted).ConfigureAwait(false);
            var writer = response.BodyWriter;
            int written = 0;
            while (written < data.Length)
            {
                // At most one piece in Kestrel's pipe per response: a client that reads slowly (or not at all) holds
                // a piece of memory, not a copy of the whole file (a 15 MB targets.json per connection, before).
                int end = Math.Min(data.Length, written + MaxPieceBytes);
                while (written < end)
                {
                    var memory = writer.GetMemory(end - written);
                    int n = Math.Min(memory.Length, end - written);
                    data.AsSpan(written, n).CopyTo(memory.Span);
                    writer.Advance(n);
                    written += n;
                }

                var flushed = await writer.FlushAsync(httpContext.RequestAborted).ConfigureAwait(false);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    return;
                }
            }
        }

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
}
