using System.Diagnostics;
using System.Globalization;
using Tuf.Server.Auth;
using Tuf.Server.Publishing;
using Tuf.Server.Storage;

namespace Tuf.Server.Endpoints;

/// <summary>
/// Notary-compatible routes under <c>/v2/{gun}/_trust/</c>: <c>tuf/{role}.json</c>, <c>tuf/{role}.{sha256}.json</c>,
/// <c>tuf/{N}.{role}.json</c>; <c>GET|POST tuf/{timestamp|snapshot}.key</c> (public key of the server-held key;
/// POST rotates it); <c>POST tuf/</c> (multipart publish); <c>DELETE tuf/</c>; <c>GET changefeed</c>.
/// </summary>
internal static class NotaryEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapNotaryEndpoints(this IEndpointRouteBuilder app)
    {
        // The registry API's version check, which Notary and docker clients ping before anything else.
        // Like a registry, it answers 401 with the token challenge to a request without a valid token: that is how
        // these clients learn where to get one (anonymously for reads, with credentials for writes).
        app.MapGet("/v2/", async (HttpContext context, TokenAuthenticator auth) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            if (!await auth.IsAuthenticatedAsync(context).ConfigureAwait(false))
            {
                throw auth.Unauthorized(context);
            }

            return TypedResults.Text("{}", "application/json");
        }).ExcludeFromDescription();
        var group = app.MapGroup("/v2").ExcludeFromDescription();
        group.MapMethods("/{**path}", [HttpMethods.Get, HttpMethods.Head], GetAsync);
        group.MapPost("/{**path}", PostAsync);
        group.MapDelete("/{**path}", DeleteAsync);
        return app;
    }

    /// <summary>Splits <c>/v2/{gun}/_trust/{rest}</c>.</summary>
    private static (string Gun, string[] Tail) Parse(HttpContext context)
    {
        var segments = RequestPath.Segments(context);
        int trust = Array.IndexOf(segments, "_trust");
        if (segments.Length < 3 || segments[0] != "v2" || trust < 2)
        {
            throw ContentResults.NotFound("No such resource (expected /v2/{gun}/_trust/...).");
        }

        return (GunName.Require(string.Join('/', segments[1..trust])), segments[(trust + 1)..]);
    }

    private static async Task<IResult> GetAsync(HttpContext context, ICollectionStore store, MetadataCache cache, TokenAuthenticator auth, ServerKeyService keys, CancellationToken cancellationToken)
    {
        var (gun, rest) = Parse(context);
        if (rest is ["tuf", var file] && file.EndsWith(".key", StringComparison.Ordinal))
        {
            var role = file[..^4];
            RequireOnlineRole(role);
            await auth.RequireAsync(context, ScopeAction.Push, gun).ConfigureAwait(false);
            bool tuf = await WantsTufKeyAsync(context, store, cache, gun, cancellationToken).ConfigureAwait(false);
            var key = await keys.GetOrCreateAsync(gun, role, ecdsa: !tuf, cancellationToken).ConfigureAwait(false);
            return KeyResult(context, key, tuf);
        }

        if (rest is ["tuf", .. var parts] && parts.Length > 0)
        {
            // Notary's delegated roles are paths: .../tuf/targets/releases.json, .../tuf/targets/releases.{sha256}.json.
            await auth.RequireAsync(context, ScopeAction.Pull, gun).ConfigureAwait(false);
            return await MetadataEndpoints.ServeMetadataAsync(context, store, cache, gun, string.Join('/', parts), allowHashed: true, cancellationToken).ConfigureAwait(false);
        }

        if (rest is ["changefeed"])
        {
            await auth.RequireAsync(context, ScopeAction.Pull, gun).ConfigureAwait(false);
            long after = 0;
            int limit = 100;
            if (context.Request.Query.TryGetValue("change_id", out var changeId) && !long.TryParse(changeId, NumberStyles.None, CultureInfo.InvariantCulture, out after))
            {
                throw ApiException.BadRequest(ErrorCodes.BadRequest, "change_id must be a non-negative integer.");
            }

            if (context.Request.Query.TryGetValue("records", out var records)
                && (!int.TryParse(records, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 1000))
            {
                throw ApiException.BadRequest(ErrorCodes.BadRequest, "records must be an integer from 1 to 1000.");
            }

            var changes = await store.GetChangesAsync(gun, after, limit, cancellationToken).ConfigureAwait(false);
            var body = new ChangefeedResponse(changes.Count, changes.Select(c => new ChangefeedRecord(
                c.Id.ToString(CultureInfo.InvariantCulture), c.CreatedAt, c.Gun, c.Version, c.Sha256, c.Category)).ToList());
            context.Response.Headers.CacheControl = "no-store";
            return TypedResults.Json(body, ServerJsonContext.Default.ChangefeedResponse);
        }

        throw ContentResults.NotFound("No such resource.");
    }

    private static async Task<IResult> PostAsync(HttpContext context, ICollectionStore store, MetadataCache cache, TokenAuthenticator auth, ServerKeyService keys, PublishService publisher, PublishRequestReader reader, PublishGate gate, CancellationToken cancellationToken)
    {
        var (gun, rest) = Parse(context);
        if (rest is ["tuf", var file] && file.EndsWith(".key", StringComparison.Ordinal))
        {
            var role = file[..^4];
            RequireOnlineRole(role);
            await auth.RequireAsync(context, ScopeAction.Push, gun).ConfigureAwait(false);
            bool tuf = await WantsTufKeyAsync(context, store, cache, gun, cancellationToken).ConfigureAwait(false);
            var rotated = await keys.RotateAsync(gun, role, ecdsa: !tuf, cancellationToken).ConfigureAwait(false);
            return KeyResult(context, rotated, tuf);
        }

        if (rest is ["tuf", ""] or ["tuf"])
        {
            await auth.RequireAsync(context, ScopeAction.Push, gun).ConfigureAwait(false);
            using var slot = gate.Enter();
            using var upload = await reader.ReadAsync(context.Request, cancellationToken).ConfigureAwait(false);
            var started = Stopwatch.GetTimestamp();
            var result = await publisher.PublishAsync(gun, upload.Files, upload.Targets, cancellationToken).ConfigureAwait(false);

            // Server-side time of validation + signing + commit (the publish benchmark reads it).
            context.Response.Headers["Server-Timing"] = string.Create(CultureInfo.InvariantCulture, $"publish;dur={Stopwatch.GetElapsedTime(started).TotalMilliseconds:F2}");
            return TypedResults.Json(new PublishResponse(gun, result.Versions), ServerJsonContext.Default.PublishResponse);
        }

        throw new ApiException(StatusCodes.Status405MethodNotAllowed, ErrorCodes.MethodNotAllowed, "POST is only accepted at /v2/{gun}/_trust/tuf/ and .../{timestamp|snapshot}.key.");
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, ICollectionStore store, MetadataCache cache, TokenAuthenticator auth, CancellationToken cancellationToken)
    {
        var (gun, rest) = Parse(context);
        if (rest is not (["tuf", ""] or ["tuf"]))
        {
            throw new ApiException(StatusCodes.Status405MethodNotAllowed, ErrorCodes.MethodNotAllowed, "DELETE is only accepted at /v2/{gun}/_trust/tuf/.");
        }

        await auth.RequireAsync(context, ScopeAction.Admin, gun).ConfigureAwait(false);
        var existed = await store.DeleteCollectionAsync(gun, cancellationToken).ConfigureAwait(false);
        cache.InvalidateAll(gun);
        if (!existed)
        {
            throw ContentResults.NotFound($"Collection '{gun}' does not exist.");
        }

        // 200, not 204: Notary's client treats every other status as a failure.
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Text("{}", "application/json");
    }

    private static void RequireOnlineRole(string role)
    {
        if (!ServerKeyService.IsOnlineRole(role))
        {
            throw ContentResults.NotFound("The server holds keys only for the timestamp and snapshot roles.");
        }
    }

    /// <summary>
    /// Whether a server key is wanted in TUF 1.0's form <c>{"keytype","scheme","keyval":{"public"}}</c>: for a TUF
    /// collection, or a client that asks for it (<c>Accept: application/vnd.tuf.key+json</c>, as <c>tuf repo publish</c>
    /// does). Otherwise Notary's <c>{"keytype","keyval":{"private":null,"public":BASE64}}</c>, what the notary and docker
    /// clients parse (a Notary collection, or one not published yet); a key created for them is ECDSA P-256, Notary's
    /// default, and one created for a TUF client Ed25519.
    /// </summary>
    private static async Task<bool> WantsTufKeyAsync(HttpContext context, ICollectionStore store, MetadataCache cache, string gun, CancellationToken cancellationToken)
    {
        if (context.Request.Headers.Accept.Any(a => a?.Contains(TufKeyMediaType, StringComparison.OrdinalIgnoreCase) == true))
        {
            return true;
        }

        return await cache.GetCurrentAsync(store, gun, Root.TypeName, cancellationToken).ConfigureAwait(false) is { } root
            && !Notary.NotaryDialect.IsNotaryRoot(root.Data);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.FileContentHttpResult KeyResult(HttpContext context, Key key, bool tuf)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Vary = "Accept";
        if (tuf)
        {
            context.Response.Headers["X-Tuf-Key-Id"] = key.ComputeKeyId();
            return TypedResults.Bytes(ServerKeyService.ToJson(key), TufKeyMediaType);
        }

        var notaryKey = Notary.NotaryDialect.ToNotaryKey(key);
        context.Response.Headers["X-Tuf-Key-Id"] = notaryKey.Id;
        return TypedResults.Bytes(notaryKey.CanonicalBytes(), "application/json");
    }

    /// <summary>The media type that asks for a server key in TUF 1.0's form.</summary>
    public const string TufKeyMediaType = "application/vnd.tuf.key+json";
}
