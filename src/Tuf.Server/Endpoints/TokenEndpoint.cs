using System.Net.Http.Headers;
using System.Text;
using Tuf.Internal;
using Tuf.Server.Auth;

namespace Tuf.Server.Endpoints;

/// <summary>
/// <c>GET /_token?service=...&amp;scope=repository:GUN:pull,push</c>: Docker's token authentication, as the notary and
/// docker clients use it after a 401 challenge. HTTP Basic credentials carry one of the server's tokens as the password
/// (any user name); without credentials the request is anonymous. The answer is a bearer token valid for
/// <see cref="BearerTokens.Lifetime"/>, limited to the requested scopes the credentials allow (<c>pull</c>,
/// <c>push</c>, <c>*</c> = admin); anonymous requests get <c>pull</c> when reads are public.
/// </summary>
internal static class TokenEndpoint
{
    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapTokenEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet("/_token", IssueAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> IssueAsync(HttpContext context, TokenAuthenticator auth, BearerTokens bearer, Microsoft.Extensions.Options.IOptions<AuthOptions> options, CancellationToken cancellationToken)
    {
        TokenScopes? credentials = null;
        string? header = context.Request.Headers.Authorization;
        if (header is not null)
        {
            string? password = BasicPassword(header);
            credentials = password is null ? null : await auth.ResolveAsync(password, cancellationToken).ConfigureAwait(false);
            if (credentials is null)
            {
                throw new ApiException(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "The credentials are not valid: the password must be a token of this server.")
                {
                    Challenge = "Basic realm=\"tuf-server\"",
                };
            }
        }

        var granted = new List<string>();
        foreach (var scope in context.Request.Query["scope"].SelectMany(s => (s ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)).Take(16))
        {
            // repository:GUN:actions (the GUN may hold ':' as in host:port/name, so split at the last ':').
            int first = scope.IndexOf(':', StringComparison.Ordinal);
            int last = scope.LastIndexOf(':');
            if (first <= 0 || last <= first || scope[..first] != "repository")
            {
                throw ApiException.BadRequest(ErrorCodes.BadRequest, $"scope '{ErrorText.Untrusted(scope)}' is not repository:NAME:ACTIONS.");
            }

            string gun = scope[(first + 1)..last];
            if (!GunName.TryValidate(gun, out _))
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidGun, $"scope '{ErrorText.Untrusted(scope)}' names no valid collection.");
            }

            foreach (var action in scope[(last + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                ScopeAction? wanted = action switch { "pull" => ScopeAction.Pull, "push" => ScopeAction.Push, "*" => ScopeAction.Admin, _ => null };
                if (wanted is not { } w)
                {
                    continue; // unknown actions are not granted
                }

                bool allowed = credentials?.Allows(w, gun) ?? (w == ScopeAction.Pull && !options.Value.RequirePull);
                if (allowed)
                {
                    granted.Add($"{w.ToString().ToLowerInvariant()}:{gun}");
                }
            }
        }

        var (token, issuedAt) = bearer.Issue(string.Join(' ', granted.Distinct(StringComparer.Ordinal)));
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Json(new BearerTokenResponse(token, token, (int)BearerTokens.Lifetime.TotalSeconds, issuedAt), ServerJsonContext.Default.BearerTokenResponse);
    }

    private static string? BasicPassword(string header)
    {
        if (!AuthenticationHeaderValue.TryParse(header, out var value) || !string.Equals(value.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || value.Parameter is null)
        {
            return null;
        }

        try
        {
            string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter));
            int colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : decoded[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
