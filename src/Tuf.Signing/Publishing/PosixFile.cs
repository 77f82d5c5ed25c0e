using System.Runtime.InteropServices;

namespace Tuf.Signing;

/// <summary>
/// Plain <c>open</c>/<c>read</c>/<c>write</c>/<c>close</c>, <c>statx</c>, <c>linkat</c> and <c>syncfs</c> for the hot
/// path of publishing many small targets on Linux.
/// A <see cref="FileStream"/> or <see cref="File.OpenHandle"/> adds an advisory lock (and its release), an
/// <c>fstat</c>, an <c>lseek</c> and an <c>fadvise</c> per file: with 100,000 targets, a second of kernel time.
/// Every failure returns -1 with the errno, and callers fall back to the managed APIs for the error message.
/// </summary>
internal static partial class PosixFile
{
    public const int EExist = 17;
    private const int ReadOnly = 0;
    private const int WriteOnly = 1;
    private const int Create = 0x40;
    private const int Exclusive = 0x80;
    private const int CloseOnExec = 0x80000;
    private const int NoAccessTime = 0x40000;
    private const int NotPermitted = 1;
    private const int DefaultMode = 0x1B6; // 0666, less the umask, as .NET creates files.
    private const int PathOnly = 0x200000;
    private const int EmptyPath = 0x1000;
    private const int NoFollow = 0x100;
    private const int FollowLinks = 0x400;
    private const int StatxBasicStats = 0x7FF;
    private const int StatxSize = 256;

    /// <summary>The "directory" argument of the <c>*at</c> calls meaning: resolve relative to the working directory.</summary>
    public const int AtCurrentDirectory = -100;

    /// <summary>Whether the raw calls are used (Linux, where the flag values above are the same on x64 and arm64).</summary>
    public static bool Supported { get; } = OperatingSystem.IsLinux();

    /// <summary>
    /// Opens a file for reading; -1 on failure. Reading does not update the file's access time (<c>O_NOATIME</c>,
    /// as <c>tar --atime-preserve=system</c> and <c>rsync --open-noatime</c> do; allowed for the file's owner, and
    /// retried without it otherwise): on a file created or changed since it was last read, the access time update
    /// dirties its inode, which doubled the kernel time of hashing 100,000 new files.
    /// </summary>
    public static int OpenRead(string path)
    {
        int fd = Open(path, ReadOnly | CloseOnExec | NoAccessTime, 0);
        return fd >= 0 || Marshal.GetLastPInvokeError() != NotPermitted ? fd : Open(path, ReadOnly | CloseOnExec, 0);
    }

    /// <summary>Creates a new file for writing (fails with <see cref="EExist"/> when it exists); -1 on failure.</summary>
    public static int CreateNew(string path) => Open(path, WriteOnly | Create | Exclusive | CloseOnExec, DefaultMode);

    /// <summary>Opens, reads into <paramref name="buffer"/> until it is full or the file ends, and closes; -1 when a call failed.</summary>
    public static int ReadFile(string path, Span<byte> buffer)
    {
        int fd = OpenRead(path);
        if (fd < 0)
        {
            return -1;
        }

        try
        {
            return ReadFully(fd, buffer);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or end of file; the count read, or -1.</summary>
    public static int ReadFully(int fd, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            nint n = Read(fd, ref MemoryMarshal.GetReference(buffer[total..]), buffer.Length - total);
            if (n < 0)
            {
                if (Marshal.GetLastPInvokeError() == 4)
                {
                    continue; // EINTR
                }

                return -1;
            }

            if (n == 0)
            {
                break;
            }

            total += (int)n;
        }

        return total;
    }

    /// <summary>Writes all of <paramref name="data"/>; false on failure.</summary>
    public static bool WriteFully(int fd, ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            nint n = Write(fd, ref MemoryMarshal.GetReference(data), data.Length);
            if (n < 0)
            {
                if (Marshal.GetLastPInvokeError() == 4)
                {
                    continue;
                }

                return false;
            }

            data = data[(int)n..];
        }

        return true;
    }

    /// <summary>
    /// The identity and state of an open file (<c>statx</c> on the descriptor): whether it is a regular file, its size,
    /// device, inode and change times. False when the call failed.
    /// </summary>
    public static bool TryStat(int fd, out FileIdentity identity) => TryStat(fd, string.Empty, EmptyPath, out identity);

    /// <summary>The identity of the file at <paramref name="path"/> (symbolic links followed); false when the call failed.</summary>
    public static bool TryStat(string path, out FileIdentity identity) => TryStat(AtCurrentDirectory, path, 0, out identity);

    /// <summary>The identity of <paramref name="name"/> in the directory <paramref name="dirFd"/>; false when the call failed.</summary>
    public static bool TryStatAt(int dirFd, string name, bool followLinks, out FileIdentity identity) => TryStat(dirFd, name, followLinks ? 0 : NoFollow, out identity);

    /// <summary>Opens a directory as a handle for the <c>*at</c> calls (<c>O_PATH</c>); -1 on failure.</summary>
    public static int OpenDirectory(string path) => Open(path, PathOnly | CloseOnExec, 0);

    /// <summary>Renames <paramref name="from"/> over <paramref name="to"/> (atomic replace); 0, or the errno.</summary>
    public static int RenameOver(string from, string to) => Rename(from, to) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Flushes a file's data and metadata to the disk; false on failure.</summary>
    public static bool Flush(int fd) => FSync(fd) == 0;

    /// <summary>
    /// Creates <paramref name="toName"/> in <paramref name="toDir"/> as a hard link to <paramref name="fromName"/> in
    /// <paramref name="fromDir"/>; when <paramref name="fromName"/> is a symbolic link, to the file it points at
    /// (<c>AT_SYMLINK_FOLLOW</c>; plain <c>link</c> would link the symbolic link itself). 0, or the errno.
    /// </summary>
    public static int HardLinkAt(int fromDir, string fromName, int toDir, string toName) =>
        LinkAt(fromDir, fromName, toDir, toName, FollowLinks) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>
    /// <see cref="HardLinkAt(int, string, int, string)"/> with names already encoded (UTF-8, ending in a zero byte):
    /// the publishing loop names 200,000 files for 100,000 targets, and encodes them on the stack.
    /// </summary>
    public static int HardLinkAt(int fromDir, ReadOnlySpan<byte> fromNameZ, int toDir, ReadOnlySpan<byte> toNameZ) =>
        LinkAtZ(fromDir, ref MemoryMarshal.GetReference(fromNameZ), toDir, ref MemoryMarshal.GetReference(toNameZ), FollowLinks) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary><see cref="TryStatAt(int, string, bool, out FileIdentity)"/> with the name already encoded (UTF-8, ending in a zero byte).</summary>
    public static bool TryStatAt(int dirFd, ReadOnlySpan<byte> nameZ, bool followLinks, out FileIdentity identity)
    {
        Span<byte> buffer = stackalloc byte[StatxSize];
        buffer.Clear();
        if (StatxZ(dirFd, ref MemoryMarshal.GetReference(nameZ), followLinks ? 0 : NoFollow, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            identity = default;
            return false;
        }

        identity = FileIdentity.FromStatx(buffer);
        return true;
    }

    /// <summary>Encodes the concatenation of up to three parts as one UTF-8 name ending in a zero byte; false when it does not fit (or holds a zero).</summary>
    public static bool TryEncodeName(Span<byte> destination, ReadOnlySpan<char> first, ReadOnlySpan<char> second = default, ReadOnlySpan<char> third = default)
    {
        int length = 0;
        if (!Append(first, destination, ref length) || !Append(second, destination, ref length) || !Append(third, destination, ref length)
            || length >= destination.Length || destination[..length].Contains((byte)0))
        {
            return false;
        }

        destination[length] = 0;
        return true;

        static bool Append(ReadOnlySpan<char> part, Span<byte> destination, ref int length)
        {
            if (!System.Text.Encoding.UTF8.TryGetBytes(part, destination[length..], out int written))
            {
                return false;
            }

            length += written;
            return true;
        }
    }

    private static bool TryStat(int dirFd, string path, int flags, out FileIdentity identity)
    {
        Span<byte> buffer = stackalloc byte[StatxSize];
        buffer.Clear();
        if (Statx(dirFd, path, flags, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            identity = default;
            return false;
        }

        identity = FileIdentity.FromStatx(buffer);
        return true;
    }

    /// <summary>
    /// Creates <paramref name="newPath"/> as a hard link to <paramref name="existing"/> (a target published under two
    /// hash names costs no copy); false when it fails or off Linux, and the caller copies.
    /// </summary>
    public static bool TryHardLink(string existing, string newPath) =>
        Supported && HardLinkAt(AtCurrentDirectory, existing, AtCurrentDirectory, newPath) == 0;

    /// <summary>
    /// Flushes the file system holding <paramref name="directory"/> (<c>syncfs</c>): one flush for a whole commit
    /// instead of one <c>fsync</c> per metadata file. False when it fails or off Linux.
    /// </summary>
    public static bool TrySyncFileSystem(string directory)
    {
        if (!Supported)
        {
            return false;
        }

        int fd = Open(directory, ReadOnly | CloseOnExec, 0);
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

    /// <summary>The errno of the last failed call on this thread.</summary>
    public static int LastError => Marshal.GetLastPInvokeError();

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, ref byte buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int fd, ref byte buffer, nint count);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirFd, string path, int flags, int mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "linkat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LinkAt(int fromDir, string fromName, int toDir, string toName, int flags);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static partial int StatxZ(int dirFd, ref byte pathZ, int flags, int mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "linkat", SetLastError = true)]
    private static partial int LinkAtZ(int fromDir, ref byte fromNameZ, int toDir, ref byte toNameZ, int flags);

    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Rename(string from, string to);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);
}
