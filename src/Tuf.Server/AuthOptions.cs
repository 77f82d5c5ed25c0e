namespace Tuf.Server;

/// <summary>Auth settings (configuration section <c>Auth</c>).</summary>
internal sealed class AuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Auth";

    /// <summary>Whether reads need a token with <c>pull</c> scope.</summary>
    /// <value>Default false: metadata and targets are public, as TUF intends (they are signed).</value>
    public bool RequirePull { get; set; }

    /// <summary>
    /// The token endpoint's URL that 401 challenges name (<c>realm</c>), e.g. <c>https://trust.example.com/_token</c>
    /// behind a proxy or load balancer. Default: this server's <c>/_token</c> at the scheme and host of the request.
    /// </summary>
    public string? TokenRealm { get; set; }

    /// <summary>An admin token in clear (usually from the <c>TUF_SERVER_ADMIN_TOKEN</c> environment variable); only its hash is kept.</summary>
    public string? AdminToken { get; set; }

    /// <summary>Tokens configured by hash.</summary>
    public IList<ConfiguredToken> Tokens { get; set; } = [];
}

/// <summary>A token configured by the SHA-256 of its secret.</summary>
internal sealed class ConfiguredToken
{
    /// <summary>A label for logs.</summary>
    public string Name { get; set; } = "configured";

    /// <summary>SHA-256 of the token, hex.</summary>
    public string Hash { get; set; } = string.Empty;

    /// <summary>Space-separated scopes <c>action:gun-pattern</c>, e.g. <c>push:example.com/*</c>.</summary>
    public string Scopes { get; set; } = string.Empty;
}
