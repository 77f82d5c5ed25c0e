using System.Security.Cryptography;
using System.Text.Json.Serialization;

namespace Tuf.Rollout;

/// <summary>One entry of an unpacked release.</summary>
/// <param name="Path">Relative path with '/' separators.</param>
/// <param name="Kind">"file", "dir" or "symlink".</param>
/// <param name="Sha256">Content hash of a file.</param>
/// <param name="Length">Length of a file.</param>
/// <param name="Target">Target of a symlink.</param>
internal sealed record ReleaseEntry(string Path, string Kind, string? Sha256 = null, long? Length = null, string? Target = null);

/// <summary>
/// What a release folder must contain, derived from the verified artifact when it is unpacked; used to detect installed
/// files that no longer match the verified bytes (watch mode repairs them) and to check a release before it goes live again.
/// </summary>
/// <param name="ArtifactSha256">The sha256 of the verified artifact this release came from.</param>
/// <param name="Entries">Every file, folder and symlink, sorted by path.</param>
internal sealed record ReleaseManifest(string ArtifactSha256, IReadOnlyList<ReleaseEntry> Entries)
{
    /// <summary>Compares <paramref name="directory"/> with the manifest; returns null when it matches, else the first difference.</summary>
    public string? FindMismatch(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return "release folder is missing";
        }

        var expected = Entries.ToDictionary(e => e.Path, StringComparer.Ordinal);
        var seen = 0;
        foreach (var entry in Scan(directory))
        {
            if (!expected.TryGetValue(entry.Path, out var want))
            {
                return $"unexpected {entry.Kind} '{entry.Path}'";
            }

            seen++;
            if (want.Kind != entry.Kind)
            {
                return $"'{entry.Path}' is a {entry.Kind}, expected a {want.Kind}";
            }

            if (entry.Kind == "symlink" && want.Target != entry.Target)
            {
                return $"symlink '{entry.Path}' was changed";
            }

            if (entry.Kind == "file")
            {
                var full = System.IO.Path.Combine(directory, entry.Path);
                if (new FileInfo(full).Length != want.Length || !HashEquals(HashFile(full), want.Sha256))
                {
                    return $"file '{entry.Path}' does not match the verified release";
                }
            }
        }

        return seen == expected.Count ? null : "files of the verified release are missing";
    }

    /// <summary>Lists a folder as manifest entries (files unhashed; symlinks not followed).</summary>
    private static IEnumerable<ReleaseEntry> Scan(string root)
    {
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            foreach (var info in new DirectoryInfo(dir).EnumerateFileSystemInfos())
            {
                var rel = System.IO.Path.GetRelativePath(root, info.FullName).Replace('\\', '/');
                if (info.LinkTarget is { } target)
                {
                    yield return new ReleaseEntry(rel, "symlink", Target: target);
                }
                else if (info is DirectoryInfo)
                {
                    yield return new ReleaseEntry(rel, "dir");
                    pending.Push(info.FullName);
                }
                else
                {
                    yield return new ReleaseEntry(rel, "file");
                }
            }
        }
    }

    /// <summary>Lowercase hex sha256 of a file.</summary>
    public static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Constant-time comparison of two hex digests.</summary>
    public static bool HashEquals(string? actualHex, string? expectedHex)
    {
        if (actualHex is null || expectedHex is null || actualHex.Length != expectedHex.Length)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(actualHex.ToLowerInvariant()), System.Text.Encoding.ASCII.GetBytes(expectedHex.ToLowerInvariant()));
    }
}

/// <summary>Source-generated JSON for the release manifest.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(ReleaseManifest))]
internal sealed partial class ReleaseManifestJsonContext : JsonSerializerContext;
