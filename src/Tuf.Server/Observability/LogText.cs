using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Tuf.Server.Observability;

/// <summary>
/// Makes any text safe for one log line: query-string values whose names look like credentials
/// (<c>access_token</c>, <c>token</c>, <c>password</c>, <c>api_key</c>, <c>X-Amz-Signature</c>, ...) become
/// <c>REDACTED</c>, and control characters (a decoded <c>%0A</c>, <c>%0D</c> or <c>%1B</c> in a request path) are
/// written as <c>\uXXXX</c>, so no request can forge a log line or send escape sequences to a terminal. Applied to
/// every message, scope and exception of every logger, ASP.NET Core's own included.
/// </summary>
internal static partial class LogText
{
    /// <summary>The replacement for a secret query value.</summary>
    public const string Redacted = "REDACTED";

    /// <summary>Redacts credential-like query values, then escapes control characters (and U+2028/U+2029).</summary>
    public static string Sanitize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        if (text.Contains('='))
        {
            text = QueryParameter().Replace(text, m => IsSecretName(m.Groups["name"].ValueSpan)
                ? m.Groups["name"].Value + "=" + Redacted
                : m.Value);
        }

        int first = IndexOfUnsafe(text);
        if (first < 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16);
        sb.Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (IsUnsafe(c))
            {
                sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static bool IsUnsafe(char c) => char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085';

    private static int IndexOfUnsafe(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (IsUnsafe(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsSecretName(ReadOnlySpan<char> name)
    {
        if (name.Contains('%') || name.Contains('+'))
        {
            // access%5Ftoken, %74oken: judge the decoded name.
            name = Uri.UnescapeDataString(name.ToString().Replace('+', ' '));
        }

        foreach (var word in s_secretWords)
        {
            if (name.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    // Substrings of parameter names that carry credentials in the wild (OAuth, S3/GCS/Azure signed URLs, API keys).
    private static readonly string[] s_secretWords = ["token", "secret", "passw", "pwd", "key", "sig", "auth", "credential", "session", "code", "jwt", "bearer"];

    // name=value after '?', '&' or ';', the value up to the next separator or whitespace. Percent-encoded names too.
    [GeneratedRegex(@"(?<=[?&;])(?<name>[^=&;?#\s]{1,128})=(?<value>[^&;#\s]*)", RegexOptions.CultureInvariant)]
    private static partial Regex QueryParameter();
}
