using Tuf.Internal;
using Tuf.Server.Auth;
using Tuf.Server.Publishing;
using Tuf.Server.Storage;

namespace Tuf.Server.Endpoints;

/// <summary>
/// The standard TUF repository layout per collection, readable by any TUF client:
/// <c>/{gun}/metadata/{file}</c> (<c>timestamp.json</c>, <c>{N}.{role}.json</c>, <c>{role}.json</c>; role names
/// percent-encoded) and <c>/{gun}/targets/{dirs}/{HASH}.{name}</c> (or <c>/{gun}/targets/{path}</c>) for hosted
/// content. The GUN may contain slashes: the first <c>metadata</c>/<c>targets</c> segment ends it (GUN segments
/// may not use those names, see <see cref="GunName"/>).
/// </summary>
internal static class MetadataEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapMetadataEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/{**path}", [HttpMethods.Get, HttpMethods.Head], GetAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> GetAsync(HttpContext context, ICollectionStore store, MetadataCache cache, TokenAuthenticator auth, CancellationToken cancellationToken)
    {
        var segments = RequestPath.Segments(context);
        int split = Array.FindIndex(segments, s => s is "metadata" or "targets");
        if (split < 1 || split == segments.Length - 1)
        {
            throw ContentResults.NotFound("No such resource (expected /{gun}/metadata/{file} or /{gun}/targets/{path}).");
        }

        var gun = GunName.Require(string.Join('/', segments[..split]));
        await auth.RequireAsync(context, ScopeAction.Pull, gun).ConfigureAwait(false);
        if (segments[split] == "metadata")
        {
            if (split != segments.Length - 2)
            {
                throw ContentResults.NotFound("No such metadata file.");
            }

            return await ServeMetadataAsync(context, store, cache, gun, segments[^1], allowHashed: false, cancellationToken).ConfigureAwait(false);
        }

        return await ServeTargetAsync(context, store, gun, segments[(split + 1)..], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Serves one metadata file by name.</summary>
    public static async Task<IResult> ServeMetadataAsync(HttpContext context, ICollectionStore store, MetadataCache cache, string gun, string file, bool allowHashed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(cache);
        var name = MetadataFileName.Parse(file, allowHashed);
        if (name is null || !RoleNames.IsValid(name.Role))
        {
            throw ContentResults.NotFound("No such metadata file.");
        }

        var stored = name.Sha256 is not null
            ? await cache.GetByHashAsync(store, gun, name.Role, name.Sha256, cancellationToken).ConfigureAwait(false)
            : name.Version is { } version
                ? await cache.GetVersionAsync(store, gun, name.Role, version, cancellationToken).ConfigureAwait(false)
                : await cache.GetCurrentAsync(store, gun, name.Role, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            throw ContentResults.NotFound($"{ErrorText.Untrusted(file)} does not exist in collection '{gun}'.");
        }

        return ContentResults.Bytes(context, stored.Data, "application/json", stored.Sha256, name.IsImmutable);
    }

    private static async Task<IResult> ServeTargetAsync(HttpContext context, ICollectionStore store, string gun, string[] pathSegments, CancellationToken cancellationToken)
    {
        if (pathSegments.Any(s => s.Length == 0 || s is "." or ".."))
        {
            throw ContentResults.NotFound("No such target.");
        }

        // Consistent-snapshot name: {dirs}/{HASH}.{name}.
        var last = pathSegments[^1];
        var dot = last.IndexOf('.', StringComparison.Ordinal);
        if (dot is 64 or 128 && dot < last.Length - 1 && last[..dot].All(char.IsAsciiHexDigit))
        {
            var path = string.Join('/', pathSegments[..^1].Append(last[(dot + 1)..]));
            var hash = last[..dot].ToLowerInvariant();
            var hashed = await store.OpenTargetAsync(gun, path, hash, cancellationToken).ConfigureAwait(false);
            if (hashed is not null)
            {
                return ContentResults.Target(hashed, immutable: true);
            }
        }

        var plain = await store.OpenTargetAsync(gun, string.Join('/', pathSegments), null, cancellationToken).ConfigureAwait(false);
        if (plain is null)
        {
            throw ContentResults.NotFound("No such target in this collection.");
        }

        return ContentResults.Target(plain, immutable: false);
    }
}
