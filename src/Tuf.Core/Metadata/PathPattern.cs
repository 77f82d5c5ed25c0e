namespace Tuf;

/// <summary>
/// The TUF delegation path pattern: the path and the pattern are split on <c>/</c>, must have the same
/// number of segments, and each segment is matched like Python's <c>fnmatch</c> (<c>*</c>, <c>?</c>,
/// <c>[seq]</c>, <c>[!seq]</c>), so a <c>*</c> never crosses a <c>/</c>.
/// </summary>
public static class PathPattern
{
    /// <summary>Whether <paramref name="path"/> matches <paramref name="pattern"/> (one of a delegation's <c>paths</c>).</summary>
    /// <param name="path">A target path.</param>
    /// <param name="pattern">The pattern.</param>
    /// <returns><see langword="true"/> when every segment matches.</returns>
    public static bool IsMatch(string path, string pattern)
    {
        var pathParts = path.Split('/');
        var patternParts = pattern.Split('/');
        if (pathParts.Length != patternParts.Length)
        {
            return false;
        }

        for (int i = 0; i < pathParts.Length; i++)
        {
            if (!SegmentMatch(pathParts[i], patternParts[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Iterative glob match with single-star backtracking: linear-ish, no recursion blow-up.</summary>
    internal static bool SegmentMatch(ReadOnlySpan<char> text, ReadOnlySpan<char> pattern)
    {
        int t = 0, p = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length)
            {
                char pc = pattern[p];
                if (pc == '*')
                {
                    starP = p++;
                    starT = t;
                    continue;
                }

                if (pc == '?')
                {
                    p++;
                    t++;
                    continue;
                }

                if (pc == '[' && TryMatchClass(pattern, p, text[t], out int next, out bool matched))
                {
                    if (matched)
                    {
                        p = next;
                        t++;
                        continue;
                    }
                }
                else if (pc == text[t])
                {
                    p++;
                    t++;
                    continue;
                }
            }

            if (starP < 0)
            {
                return false;
            }

            p = starP + 1;
            t = ++starT;
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>Parses <c>[...]</c> at <paramref name="start"/>; false when it is not a complete class (then <c>[</c> is literal).</summary>
    private static bool TryMatchClass(ReadOnlySpan<char> pattern, int start, char c, out int next, out bool matched)
    {
        int i = start + 1;
        bool negate = false;
        if (i < pattern.Length && pattern[i] == '!')
        {
            negate = true;
            i++;
        }

        int first = i;
        bool hit = false;
        while (i < pattern.Length && (pattern[i] != ']' || i == first))
        {
            char lo = pattern[i];
            if (i + 2 < pattern.Length && pattern[i + 1] == '-' && pattern[i + 2] != ']')
            {
                char hi = pattern[i + 2];
                if (lo <= c && c <= hi)
                {
                    hit = true;
                }

                i += 3;
            }
            else
            {
                if (lo == c)
                {
                    hit = true;
                }

                i++;
            }
        }

        if (i >= pattern.Length)
        {
            next = start;
            matched = false;
            return false;
        }

        next = i + 1;
        matched = hit != negate;
        return true;
    }
}
