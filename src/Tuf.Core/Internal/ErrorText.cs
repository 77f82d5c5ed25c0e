using System.ComponentModel;
using System.Text;

namespace Tuf.Internal;

/// <summary>Makes attacker-supplied text safe to put in an error message.</summary>
/// <remarks>
/// <para>Infrastructure shared by the Tuf assemblies (public so they need no <c>InternalsVisibleTo</c>); not a supported API: it may change or disappear in any release.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ErrorText
{
    private const int MaxLength = 128;

    /// <summary>Truncates to 128 characters and escapes control characters.</summary>
    public static string Untrusted(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var sb = new StringBuilder(Math.Min(text.Length, MaxLength) + 8);
        foreach (char c in text)
        {
            if (sb.Length >= MaxLength)
            {
                sb.Append('…');
                break;
            }

            if (char.IsControl(c) || c == '\u2028' || c == '\u2029')
            {
                sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
