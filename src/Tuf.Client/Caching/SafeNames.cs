using System.Security.Cryptography;
using System.Text;

namespace Tuf.Client;

/// <summary>
/// Percent-encoding of role names and target paths, as Python's <c>urllib.parse.quote(name, safe="")</c> does:
/// every UTF-8 byte except the unreserved <c>A-Z a-z 0-9 - . _ ~</c> becomes <c>%XX</c>. A name made only of dots
/// has its dots encoded too, so that no file name is <c>.</c> or <c>..</c>.
/// </summary>
internal static class SafeNames
{
    /// <summary>Longest file name produced (most file systems allow 255 bytes; room is left for temp suffixes).</summary>
    private const int MaxFileNameLength = 200;

    /// <summary>Percent-encodes <paramref name="name"/> for use in a URL path segment (no characters are safe).</summary>
    public static string Quote(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int byteCount = Encoding.UTF8.GetByteCount(name);
        Span<byte> bytes = byteCount <= 512 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(name, bytes);
        var sb = new StringBuilder(byteCount * 3);
        foreach (byte b in bytes)
        {
            if (IsUnreserved(b))
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(HexUpper[b >> 4]).Append(HexUpper[b & 0xF]);
            }
        }

        return sb.ToString();
    }

    /// <summary>A single file name for <paramref name="name"/>: never empty, never <c>.</c> or <c>..</c>, no separator,
    /// bounded in length (a long name becomes the SHA-256 of the name).</summary>
    public static string FileName(string name)
    {
        string quoted = Quote(name);
        if (quoted.Length == 0 || quoted.All(c => c == '.'))
        {
            quoted = quoted.Length == 0 ? "%00empty" : quoted.Replace(".", "%2E", StringComparison.Ordinal);
        }

        if (quoted.Length > MaxFileNameLength)
        {
            quoted = "sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
        }

        return quoted;
    }

    private static bool IsUnreserved(byte b) =>
        b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~';

    private const string HexUpper = "0123456789ABCDEF";
}
