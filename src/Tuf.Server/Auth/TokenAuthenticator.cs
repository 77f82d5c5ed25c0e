using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Tuf.Server.Storage;

namespace Tuf.Server.Auth;

/// <summary>
/// Bearer-token checks. Tokens are only ever held as SHA-256 hashes (tokens are 256-bit random values, so a
/// plain hash is enough); configured tokens come from <see cref="AuthOptions"/>, others from the store.
/// </summary>
internal sealed class TokenAuthenticator
{
    /// <summary>Prefix of tokens the server generates.</summary>
    public const string TokenPrefix = "tuf_";

    private readonly ICollectionStore _store;
    private readonly AuthOptions _options;
    private readonly BearerTokens _bearer;
    private readonly Dictionary<string, TokenScopes> _configured = new(StringComparer.Ordinal);

    /// <summary>Creates the authenticator.</summary>
    public TokenAuthenticator(ICollectionStore store, IOptions<AuthOptions> options, BearerTokens bearer)
    {
        _store = store;
        _bearer = bearer;
        _options = options.Value;
        if (!string.IsNullOrEmpty(_options.AdminToken))
        {
            _configured[Hash(_options.AdminToken)] = TokenScopes.Parse("admin:*");
        }

        foreach (var token in _options.Tokens)
        {
            _configured[token.Hash.ToLowerInvariant()] = TokenScopes.Parse(token.Scopes);
        }
    }

    /// <summary>Whether any token is configured (rather than stored).</summary>
    public bool HasConfiguredTokens => _configured.Count > 0;

    /// <summary>SHA-256 of a token, lowercase hex.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>A new random token.</summary>
    public static string NewToken() => TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>Requires a token allowing <paramref name="action"/> on <paramref name="gun"/> (null: server-wide).</summary>
    /// <exception cref="ApiException">401 without a valid token, 403 with the wrong scope.</exception>
    public async Task RequireAsync(HttpContext context, ScopeAction action, string? gun)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (action == ScopeAction.Pull && !_options.RequirePull)
        {
            return;
        }

        var scopes = await AuthenticateAsync(context).ConfigureAwait(false);
        if (scopes is null)
        {
            throw Unauthorized(context, gun, action, _options.TokenRealm);
        }

        if (!scopes.Allows(action, gun))
        {
            var what = action.ToString().ToLowerInvariant();
            throw new ApiException(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden,
                gun is null ? $"The token has no '{what}' scope." : $"The token has no '{what}' scope for '{gun}'.");
        }
    }

    /// <summary>
    /// The 401 for a request without a valid token, with Docker's token-authentication challenge: the realm is this
    /// server's <c>/_token</c> endpoint, the scope what the request needs (<c>repository:GUN:pull</c>,
    /// <c>pull,push</c> or <c>*</c>).
    /// </summary>
    public static ApiException Unauthorized(HttpContext context, string? gun, ScopeAction? action, string? realm)
    {
        ArgumentNullException.ThrowIfNull(context);
        realm ??= $"{context.Request.Scheme}://{context.Request.Host}/_token";
        string challenge = $"Bearer realm=\"{realm}\",service=\"{TokenService}\"";
        if (gun is not null && action is { } a)
        {
            challenge += $",scope=\"repository:{gun}:{a switch { ScopeAction.Pull => "pull", ScopeAction.Push => "pull,push", _ => "*" }}\"";
        }

        return new ApiException(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized,
            $"A valid bearer token is required (Authorization: Bearer <token>; or get one from {realm} with a token as the Basic password).")
        {
            Challenge = challenge,
        };
    }

    /// <summary>The <c>service</c> name of the token challenge.</summary>
    public const string TokenService = "tuf-server";

    /// <summary>The 401 challenge for a request that needs any valid token (the version check <c>GET /v2/</c>).</summary>
    public ApiException Unauthorized(HttpContext context) => Unauthorized(context, null, null, _options.TokenRealm);

    /// <summary>Whether the request carries any valid token.</summary>
    public async Task<bool> IsAuthenticatedAsync(HttpContext context) => await AuthenticateAsync(context).ConfigureAwait(false) is not null;

    /// <summary>The scopes of a token (configured, stored or issued); null when it is not valid.</summary>
    public async Task<TokenScopes?> ResolveAsync(string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length == 0 || token.Length > 4096)
        {
            return null;
        }

        if (token.StartsWith(BearerTokens.Prefix, StringComparison.Ordinal))
        {
            return _bearer.Validate(token);
        }

        if (token.Length > 512)
        {
            return null;
        }

        var hash = Hash(token);
        if (_configured.TryGetValue(hash, out var scopes))
        {
            return scopes;
        }

        var stored = await _store.FindTokenAsync(hash, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }

        try
        {
            return TokenScopes.Parse(stored.Scopes);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private async Task<TokenScopes?> AuthenticateAsync(HttpContext context)
    {
        string? header = context.Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return await ResolveAsync(header["Bearer ".Length..].Trim(), context.RequestAborted).ConfigureAwait(false);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
