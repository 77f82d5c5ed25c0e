using System.Runtime.InteropServices;

namespace Tuf.Signing;

/// <summary>
/// Plain <c>open</c>/<c>read</c>/<c>write</c>/<c>close</c> for the hot path of publishing many small targets on Linux.
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
    private const int DefaultMode = 0x1B6; // 0666, less the umask, as .NET creates files.

    /// <summary>Whether the raw calls are used (Linux, where the flag values above hold on x64 and arm64).</summary>
    public static bool Supported { get; } = OperatingSystem.IsLinux();

    /// <summary>Opens a file for reading; -1 on failure.</summary>
    public static int OpenRead(string path) => Open(path, ReadOnly | CloseOnExec, 0);

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

    /// <summary>The errno of the last failed call on this thread.</summary>
    public static int LastError => Marshal.GetLastPInvokeError();

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, ref byte buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int fd, ref byte buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);
}
