using System.Text;

namespace Tuf.Server.Publishing;

/// <summary>Role names as the server accepts them in uploads and URLs.</summary>
internal static class RoleNames
{
    /// <summary>Longest role name in UTF-8 bytes.</summary>
    public const int MaxBytes = 255;

    /// <summary>Whether a (decoded) role name is acceptable: non-empty, no control characters, not <c>.</c>/<c>..</c>, bounded.</summary>
    public static bool IsValid(string role)
    {
        if (string.IsNullOrEmpty(role) || role is "." or ".." || Encoding.UTF8.GetByteCount(role) > MaxBytes)
        {
            return false;
        }

        foreach (var c in role)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }
}
