using System.Runtime.InteropServices;

namespace Tuf.Signing;

/// <summary>
/// Small POSIX helpers: hard links (a target published under two hash names costs no copy) and <c>syncfs</c>
/// (one flush for a whole commit instead of one fsync per metadata file).
/// </summary>
internal static partial class HardLink
{
    private const int OpenReadOnly = 0;

    /// <summary>Creates <paramref name="newPath"/> as a hard link to <paramref name="existing"/>; false when unsupported or it fails.</summary>
    public static bool TryCreate(string existing, string newPath)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        try
        {
            return Link(existing, newPath) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Flushes the file system holding <paramref name="directory"/> (Linux <c>syncfs</c>); false when unsupported.</summary>
    public static bool TrySyncFileSystem(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            int fd = Open(directory, OpenReadOnly);
            if (fd < 0)
            {
                return false;
            }

            try
            {
                return SyncFs(fd) == 0;
            }
            finally
            {
                _ = Close(fd);
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string newPath);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "syncfs")]
    private static partial int SyncFs(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
