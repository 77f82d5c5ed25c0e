using System.Text.Json;
using Tuf.Internal;
using Tuf.Server.Auth;
using Tuf.Server.Storage;

namespace Tuf.Server.Endpoints;

/// <summary><c>POST /_admin/tokens</c>: an admin creates a token with given scopes; the secret is returned once, only its hash is stored.</summary>
internal static class AdminEndpoints
{
    /// <summary>The longest token name accepted.</summary>
    public const int MaxNameLength = 100;

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/_admin").MapPost("/tokens", CreateTokenAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> CreateTokenAsync(HttpContext context, TokenAuthenticator auth, ICollectionStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        await auth.RequireAsync(context, ScopeAction.Admin, null).ConfigureAwait(false);
        if (!context.Request.HasJsonContentType())
        {
            throw new ApiException(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "Send application/json: {\"name\": \"...\", \"scopes\": \"push:example.com/*\"}.");
        }

        CreateTokenRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(context.Request.Body, ServerJsonContext.Default.CreateTokenRequest, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            throw ApiException.BadRequest(ErrorCodes.BadRequest, "The body is not valid JSON.");
        }

        if (string.IsNullOrWhiteSpace(body?.Scopes))
        {
            throw ApiException.BadRequest(ErrorCodes.BadRequest, "scopes is required, e.g. \"push:example.com/*\".");
        }

        try
        {
            TokenScopes.Parse(body.Scopes);
        }
        catch (FormatException e)
        {
            throw ApiException.BadRequest(ErrorCodes.BadRequest, ErrorText.Untrusted(e.Message));
        }

        var name = string.IsNullOrWhiteSpace(body.Name) ? "token" : body.Name;
        if (name.Length > MaxNameLength || name.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029'))
        {
            throw ApiException.BadRequest(ErrorCodes.BadRequest, $"name must be at most {MaxNameLength} characters with no control characters.");
        }

        var token = TokenAuthenticator.NewToken();
        await store.AddTokenAsync(new TokenRecord(TokenAuthenticator.Hash(token), name, body.Scopes, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Json(new CreateTokenResponse(token, name, body.Scopes), ServerJsonContext.Default.CreateTokenResponse, statusCode: StatusCodes.Status201Created);
    }
}
