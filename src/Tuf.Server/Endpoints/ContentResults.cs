using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

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
        sha256 ??= Convert.ToHexStringLower(SHA256.HashData(data));
        context.Response.Headers.CacheControl = immutable ? Immutable : ShortLived;
        return TypedResults.Bytes(data, contentType, entityTag: new EntityTagHeaderValue("\"" + sha256 + "\""));
    }

    /// <summary>A JSON error result.</summary>
    public static ApiException NotFound(string what) => new(StatusCodes.Status404NotFound, ErrorCodes.NotFound, what);
}
