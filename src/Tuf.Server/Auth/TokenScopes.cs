using Tuf.Internal;

namespace Tuf.Server.Auth;

/// <summary>
/// A token's scopes: space-separated <c>action:pattern</c> entries, e.g. <c>push:example.com/*</c> or <c>admin:*</c>.
/// A pattern is an exact GUN or a prefix ending in <c>*</c>; <c>admin</c> includes <c>push</c>, which includes <c>pull</c>.
/// </summary>
internal sealed class TokenScopes
{
    private readonly List<(ScopeAction Action, string Pattern)> _entries;

    private TokenScopes(List<(ScopeAction, string)> entries) => _entries = entries;

    /// <summary>Parses a scope string.</summary>
    /// <exception cref="FormatException">An entry is malformed.</exception>
    public static TokenScopes Parse(string scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        if (scopes.Length > MaxLength)
        {
            throw new FormatException($"Scopes are longer than {MaxLength} characters.");
        }

        var entries = new List<(ScopeAction, string)>();
        foreach (var entry in scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entries.Count == MaxEntries)
            {
                throw new FormatException($"More than {MaxEntries} scopes.");
            }

            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == entry.Length - 1)
            {
                throw new FormatException($"Scope '{ErrorText.Untrusted(entry)}' is not of the form action:pattern.");
            }

            var action = entry[..colon] switch
            {
                "pull" => ScopeAction.Pull,
                "push" => ScopeAction.Push,
                "admin" => ScopeAction.Admin,
                _ => throw new FormatException($"Scope '{ErrorText.Untrusted(entry)}' has an unknown action (pull, push or admin)."),
            };
            var pattern = entry[(colon + 1)..];
            if (pattern != "*" && !GunName.TryValidate(pattern.EndsWith('*') ? pattern[..^1].TrimEnd('/') : pattern, out _))
            {
                throw new FormatException($"Scope '{ErrorText.Untrusted(entry)}' has a pattern that is neither '*', a collection name (GUN) nor a GUN prefix ending in '*'.");
            }

            entries.Add((action, pattern));
        }

        return new TokenScopes(entries);
    }

    /// <summary>The longest scope string accepted.</summary>
    public const int MaxLength = 4096;

    /// <summary>The most <c>action:pattern</c> entries accepted.</summary>
    public const int MaxEntries = 64;

    /// <summary>Whether these scopes allow <paramref name="action"/> on <paramref name="gun"/> (null: server-wide).</summary>
    public bool Allows(ScopeAction action, string? gun)
    {
        foreach (var (granted, pattern) in _entries)
        {
            if (granted < action)
            {
                continue;
            }

            if (pattern == "*")
            {
                return true;
            }

            if (gun is null)
            {
                continue;
            }

            if (pattern.EndsWith('*') ? gun.StartsWith(pattern[..^1], StringComparison.Ordinal) : gun == pattern)
            {
                return true;
            }
        }

        return false;
    }
}
