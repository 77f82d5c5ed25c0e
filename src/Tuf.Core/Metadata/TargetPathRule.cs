namespace Tuf;

/// <summary>
/// What a target path may look like when we sign or host it: relative and <c>/</c>-separated, so that every client
/// (ours, python-tuf, go-tuf, tuf-js, and ones written carelessly) can join it to a base URL or a folder without
/// escaping either. The specification leaves this to implementations; we refuse, at <c>tuf repo add</c> and at publish:
/// an empty path, a leading <c>/</c> or a drive letter (<c>C:</c>), empty, <c>.</c> or <c>..</c> segments, backslashes,
/// and NUL or other control characters.
/// </summary>
public static class TargetPathRule
{
    /// <summary>Why <paramref name="path"/> is not a safe target path, or null when it is.</summary>
    /// <param name="path">The target path.</param>
    /// <returns>A short reason, or <see langword="null"/>.</returns>
    public static string? Problem(string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "the target path is empty";
        }

        if (path[0] == '/' || (path.Length > 1 && path[1] == ':' && char.IsAsciiLetter(path[0])))
        {
            return "target paths are relative: no leading '/' or drive letter";
        }

        foreach (char c in path)
        {
            if (c == '\\')
            {
                return "target paths are '/'-separated: no backslashes";
            }

            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                return "target paths contain no NUL or other control characters";
            }
        }

        foreach (var segment in path.AsSpan().Split('/'))
        {
            var s = path.AsSpan(segment);
            if (s.IsEmpty || s is "." or "..")
            {
                return "target paths have no empty, '.' or '..' segments";
            }
        }

        return null;
    }
}
