using Tuf.Client.Rollout.Local;

namespace Tuf.Client.Rollout;

/// <summary>Write-temp + fsync + rename: a reader (or a crash) sees the old content or the new, never a mix.</summary>
internal static class AtomicFile
{
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            Posix.Rename(temp, full);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Points the symlink <paramref name="link"/> at <paramref name="target"/> atomically (temp symlink + rename over).</summary>
    public static void SwapSymlink(string link, string target)
    {
        var full = Path.GetFullPath(link);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        File.CreateSymbolicLink(temp, target);
        try
        {
            Posix.Rename(temp, full);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
