using System.Text;
using Tuf.Internal;

namespace Tuf.Server;

/// <summary>
/// Globally unique names of trusted collections, e.g. <c>example.com/app</c>. A GUN is 1..255 bytes of
/// <c>/</c>-separated segments of <c>[A-Za-z0-9._~:@+-]</c>; no empty, <c>.</c> or <c>..</c> segment. So that
/// <c>/{gun}/metadata/{file}</c> and <c>/{gun}/targets/{path}</c> parse unambiguously, no segment may be
/// <c>metadata</c> or <c>targets</c> or start with <c>_</c>, and the first segment may not be one of the
/// server's own route names (<c>v2</c>, <c>healthz</c>, <c>readyz</c>, <c>metrics</c>).
/// </summary>
internal static class GunName
{
    /// <summary>Longest GUN in bytes.</summary>
    public const int MaxBytes = 255;

    private static readonly HashSet<string> s_reservedFirst = new(StringComparer.OrdinalIgnoreCase) { "v2", "healthz", "readyz", "metrics" };

    /// <summary>Whether <paramref name="gun"/> is well formed; <paramref name="error"/> says why not.</summary>
    public static bool TryValidate(string? gun, out string error)
    {
        if (string.IsNullOrEmpty(gun))
        {
            error = "The collection name (GUN) is empty.";
            return false;
        }

        if (Encoding.UTF8.GetByteCount(gun) > MaxBytes)
        {
            error = $"The collection name (GUN) is longer than {MaxBytes} bytes.";
            return false;
        }

        var segments = gun.Split('/');
        for (int i = 0; i < segments.Length; i++)
        {
            var s = segments[i];
            if (s.Length == 0 || s is "." or "..")
            {
                error = "The collection name (GUN) has an empty, '.' or '..' segment.";
                return false;
            }

            foreach (var c in s)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '~' or ':' or '@' or '+' or '-'))
                {
                    error = $"The collection name (GUN) contains a character that is not allowed ({(char.IsControl(c) ? "control character" : "'" + c + "'")}).";
                    return false;
                }
            }

            if (s[0] == '_' || s is "metadata" or "targets" || (i == 0 && s_reservedFirst.Contains(s)))
            {
                error = $"The collection name (GUN) uses the reserved segment '{ErrorText.Untrusted(s)}'.";
                return false;
            }
        }

        error = string.Empty;
        return true;
    }

    /// <summary>Throws a 400 <c>invalid_gun</c> unless <paramref name="gun"/> is well formed.</summary>
    /// <exception cref="ApiException">The GUN is malformed.</exception>
    public static string Require(string? gun)
    {
        if (!TryValidate(gun, out var error))
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidGun, error);
        }

        return gun!;
    }
}
