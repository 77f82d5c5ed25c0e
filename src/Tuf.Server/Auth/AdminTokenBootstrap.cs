using Tuf.Server.Storage;

namespace Tuf.Server.Auth;

/// <summary>
/// A fresh server is never open for writing: when no token is configured and none is stored, the first start
/// creates an admin token, stores only its hash, and prints the token once to the log.
/// </summary>
internal static partial class AdminTokenBootstrap
{
    /// <summary>Creates the first admin token when needed; returns it (for tests) or null.</summary>
    public static async Task<string?> EnsureAsync(ICollectionStore store, TokenAuthenticator authenticator, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(authenticator);
        if (authenticator.HasConfiguredTokens || await store.CountTokensAsync(cancellationToken).ConfigureAwait(false) > 0)
        {
            return null;
        }

        var token = TokenAuthenticator.NewToken();
        await store.AddTokenAsync(new TokenRecord(TokenAuthenticator.Hash(token), "initial-admin", "admin:*", time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        LogCreated(logger, token);
        return token;
    }

    // The one place a secret is logged, on purpose and once: the operator needs it to use the server at all.
    [LoggerMessage(EventId = 10, Level = LogLevel.Warning,
        Message = "No auth token was configured: created an admin token (shown only this once; only its hash is stored): {Token}")]
    private static partial void LogCreated(ILogger logger, string token);
}
