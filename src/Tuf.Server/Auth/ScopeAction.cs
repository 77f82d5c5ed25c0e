namespace Tuf.Server.Auth;

/// <summary>What a token may do on matching collections. Each action includes the ones before it.</summary>
internal enum ScopeAction
{
    /// <summary>Read metadata and targets (only checked when <c>Auth:RequirePull</c> is set).</summary>
    Pull = 0,

    /// <summary>Publish, and create or rotate server keys.</summary>
    Push = 1,

    /// <summary>Delete collections and create tokens.</summary>
    Admin = 2,
}
