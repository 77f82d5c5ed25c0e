using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Tuf.Internal;

/// <summary>The few libc calls the local provider needs that .NET does not expose: signals to process groups, rename(2).</summary>
/// <remarks>Infrastructure shared by the Tuf assemblies (public so they need no <c>InternalsVisibleTo</c>); not a supported API: it may change or disappear in any release.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Posix
{
    /// <summary>SIGKILL.</summary>
    public const int SigKill = 9;

    /// <summary>SIGTERM.</summary>
    public const int SigTerm = 15;
    private const int Esrch = 3;

    // DllImport rather than LibraryImport: the latter needs unsafe code enabled for the whole assembly.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int RenameNative([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);

    /// <summary>Sends <paramref name="signal"/> to every process of group <paramref name="pgid"/>; false when the group no longer exists.</summary>
    public static bool SignalGroup(int pgid, int signal)
    {
        if (pgid <= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(pgid), "refusing to signal a system process group");
        }

        return Kill(-pgid, signal) == 0 || Marshal.GetLastPInvokeError() != Esrch;
    }

    /// <summary>Sends <paramref name="signal"/> to one process; false when it no longer exists.</summary>
    public static bool SignalProcess(int pid, int signal)
    {
        if (pid <= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(pid), "refusing to signal a system process");
        }

        return Kill(pid, signal) == 0 || Marshal.GetLastPInvokeError() != Esrch;
    }

    /// <summary>Whether any process of group <paramref name="pgid"/> exists (zombies included).</summary>
    public static bool GroupExists(int pgid) => pgid > 1 && (Kill(-pgid, 0) == 0 || Marshal.GetLastPInvokeError() != Esrch);

    /// <summary>Atomic rename(2): replaces <paramref name="newPath"/> (a file or a symlink) in one step.</summary>
    public static void Rename(string oldPath, string newPath)
    {
        if (RenameNative(oldPath, newPath) != 0)
        {
            throw new IOException($"rename {oldPath} -> {newPath} failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }
}
