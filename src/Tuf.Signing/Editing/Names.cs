using Tuf.Internal;

namespace Tuf.Signing;

/// <summary>Validation of role names and target paths given by users.</summary>
internal static class Names
{
    public static readonly string[] TopLevelRoles = ["root", "targets", "snapshot", "timestamp"];

    public static bool IsTopLevel(string role) => Array.IndexOf(TopLevelRoles, role) >= 0;

    /// <summary>A delegated role name: no path separators, no dot-only names, no control characters.</summary>
    public static void CheckDelegatedRoleName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 128 || name is "." or ".." || name.Contains('/') || name.Contains('\\')
            || name.Any(char.IsControl))
        {
            throw new SigningException($"invalid role name '{ErrorText.Untrusted(name)}'");
        }

        if (IsTopLevel(name))
        {
            throw new SigningException($"'{name}' is a top-level role and cannot be delegated");
        }
    }

    /// <summary>A target path: see <see cref="TargetPathRule"/>.</summary>
    public static void CheckTargetPath(string path)
    {
        if (TargetPathRule.Problem(path) is { } problem)
        {
            throw new SigningException($"invalid target path '{ErrorText.Untrusted(path)}': {problem}");
        }
    }
}
