using System.Text;

namespace Tuf;

/// <summary>Makes attacker-supplied text safe to put in an error message.</summary>
internal static class ErrorText
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
