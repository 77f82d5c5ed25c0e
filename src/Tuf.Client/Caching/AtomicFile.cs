using System.Security.Cryptography;

namespace Tuf.Client;

/// <summary>Write-temp, flush to disk, rename: the destination holds the old bytes or the new ones, never a mix.</summary>
internal static class AtomicFile
{
    public static void Write(string path, ReadOnlySpan<byte> data)
    {
        string temp = TempPathFor(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
            {
                stream.Write(data);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>A unique temp file name in the same directory as <paramref name="path"/> (so the rename stays on one file system).</summary>
    public static string TempPathFor(string path)
    {
        string dir = Path.GetDirectoryName(path) ?? ".";
        return Path.Combine(dir, ".tmp-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort clean-up of a temp file.
        }
    }
}
