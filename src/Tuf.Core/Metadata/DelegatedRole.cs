using System.Security.Cryptography;
using System.Text;

namespace Tuf;

/// <summary>A role delegated by a targets role, trusted for the target paths it matches.</summary>
public sealed class DelegatedRole : Role
{
    /// <summary>The role name.</summary>
    public required string Name { get; set; }

    /// <summary>Whether a search that reaches this role stops here, matched or not.</summary>
    public bool Terminating { get; set; }

    /// <summary>Shell-style path patterns (a <c>*</c> never matches <c>/</c>); <see langword="null"/> when hash prefixes are used.</summary>
    public IList<string>? Paths { get; set; }

    /// <summary>Hex prefixes of the SHA-256 of target paths; <see langword="null"/> when paths are used.</summary>
    public IList<string>? PathHashPrefixes { get; set; }

    /// <summary>Whether <paramref name="targetPath"/> is delegated to this role.</summary>
    /// <param name="targetPath">The target path searched for.</param>
    /// <returns><see langword="true"/> when a pattern or hash prefix matches.</returns>
    public bool IsDelegatedPath(string targetPath)
    {
        byte[]? pathHash = null;
        return IsDelegatedPath(targetPath, ref pathHash);
    }

    /// <summary>The same, with the path's SHA-256 computed at most once for several roles (<paramref name="pathHash"/> caches it).</summary>
    internal bool IsDelegatedPath(string targetPath, ref byte[]? pathHash)
    {
        ArgumentNullException.ThrowIfNull(targetPath);
        if (Paths is not null)
        {
            foreach (var pattern in Paths)
            {
                if (PathPattern.IsMatch(targetPath, pattern))
                {
                    return true;
                }
            }

            return false;
        }

        if (PathHashPrefixes is not null)
        {
            pathHash ??= Encoding.UTF8.GetBytes(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(targetPath))));
            foreach (var prefix in PathHashPrefixes)
            {
                if (prefix.Length <= pathHash.Length && PrefixMatches(pathHash, prefix))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool PrefixMatches(byte[] hexHash, string prefix)
    {
        for (int i = 0; i < prefix.Length; i++)
        {
            if (hexHash[i] != prefix[i])
            {
                return false;
            }
        }

        return true;
    }
}
