using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Tuf.Internal;

/// <summary>
/// The one way files are replaced durably, for the client's trusted metadata, the signer's repository and staging
/// area, and the rollout journal: a temporary file in the same folder, written, flushed to disk (<c>fsync</c>),
/// renamed over the destination, and then the folder itself flushed, so that after a crash or power loss the
/// destination holds the new bytes once this returns, never an older version and never a mix. The only I/O in Core:
/// the model, parser and crypto stay free of it.
/// </summary>
/// <remarks>
/// <c>durable: false</c> skips both flushes, for callers that make a whole batch durable at once (the signer flushes
/// the file system once per commit) or keep nothing that must survive a crash.
/// <para>Infrastructure shared by the Tuf assemblies (public so they need no <c>InternalsVisibleTo</c>); not a supported API: it may change or disappear in any release.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class DurableFile
{
    /// <summary>How much a writer given to <see cref="WriteStreaming(string, Action{Stream}, bool)"/> should buffer before flushing.</summary>
    public const int FlushBytes = 1 << 20;

    private const int WriteOnly = 1;
    private const int ReadOnly = 0;
    private const int Create = 0x40;
    private const int Exclusive = 0x80;
    private const int Directory = 0x10000;
    private const int CloseOnExec = 0x80000;
    private const int DefaultMode = 0x1B6; // 0666, less the umask, as .NET creates files.

    private static readonly AsyncLocal<Action<string, string>?> s_observer = new();

    /// <summary>Whether the raw calls are used (Linux, where the flag values above are the same on x64 and arm64).</summary>
    private static bool Posix { get; } = OperatingSystem.IsLinux();

    /// <summary>
    /// Test seam: within the calling async flow, <paramref name="observer"/> is told each step as
    /// <c>(step, path)</c>: <c>fsync-file</c>, <c>rename</c>, <c>fsync-dir</c>. Dispose the result to stop.
    /// </summary>
    internal static IDisposable Observe(Action<string, string> observer)
    {
        var previous = s_observer.Value;
        s_observer.Value = observer;
        return new Restore(previous);
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="data"/>.</summary>
    /// <param name="path">The destination.</param>
    /// <param name="data">The content.</param>
    /// <param name="overwrite">Whether an existing file is replaced (else an existing one makes it fail).</param>
    /// <param name="durable">Whether to flush the file and its folder (see the remarks).</param>
    /// <param name="createDirectory">Whether a missing folder is created (else the write fails and leaves nothing).</param>
    public static void Write(string path, ReadOnlySpan<byte> data, bool overwrite = true, bool durable = true, bool createDirectory = true)
    {
        string temp = TempPathFor(path, createDirectory);
        if (overwrite && TryWritePosix(temp, path, data, durable))
        {
            return;
        }

        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.None))
            {
                stream.Write(data);
                Flush(stream, temp, durable);
            }

            Move(temp, path, overwrite, durable);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Replaces <paramref name="path"/> with what <paramref name="write"/> produces, without holding it in memory
    /// as a whole (the writer flushes as it goes).
    /// </summary>
    /// <param name="path">The destination (replaced when it exists).</param>
    /// <param name="write">Writes the content to the stream it is given.</param>
    /// <param name="durable">Whether to flush the file and its folder.</param>
    public static void WriteStreaming(string path, Action<Stream> write, bool durable = true) =>
        Write(path, TempPathFor(path, createDirectory: true), write, overwrite: true, durable);

    /// <summary>Points the symbolic link <paramref name="link"/> at <paramref name="target"/> atomically and durably (a new link renamed over it).</summary>
    /// <param name="link">The link to replace or create.</param>
    /// <param name="target">What it points to.</param>
    public static void SwapSymlink(string link, string target)
    {
        string full = Path.GetFullPath(link);
        string temp = TempPathFor(full, createDirectory: false);
        File.CreateSymbolicLink(temp, target);
        try
        {
            RenameOver(temp, full);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        SyncDirectory(Path.GetDirectoryName(full)!);
    }

    /// <summary>A unique hidden temporary name in the same folder as <paramref name="path"/> (so the rename stays on one file system).</summary>
    /// <param name="path">The destination.</param>
    /// <returns>The temporary path.</returns>
    public static string TempPathFor(string path) => TempPathFor(path, createDirectory: false);

    /// <summary>Flushes a folder's entries to disk (after a rename or a creation in it); nothing off Linux.</summary>
    /// <param name="directory">The folder.</param>
    /// <exception cref="IOException">The flush failed.</exception>
    public static void SyncDirectory(string directory)
    {
        if (!Posix)
        {
            return;
        }

        int fd = Open(directory, ReadOnly | Directory | CloseOnExec, 0);
        if (fd < 0)
        {
            throw new IOException($"{directory}: cannot open the folder to flush it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (FSync(fd) != 0)
            {
                throw new IOException($"{directory}: flushing the folder failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }

        s_observer.Value?.Invoke("fsync-dir", directory);
    }

    /// <summary>Deletes a file if it can; never throws (clean-up of temporary files).</summary>
    /// <param name="path">The file.</param>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort clean-up of a temporary file.
        }
    }

    /// <summary>Hands what <paramref name="writer"/> buffered to its stream once it holds <see cref="FlushBytes"/> (for writers given to <see cref="WriteStreaming(string, Action{Stream}, bool)"/>).</summary>
    /// <param name="writer">The JSON writer.</param>
    public static void FlushWhenFull(System.Text.Json.Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (writer.BytesPending >= FlushBytes)
        {
            writer.Flush();
        }
    }

    private static void Write(string path, string temp, Action<Stream> write, bool overwrite, bool durable)
    {
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.None))
            {
                write(stream);
                Flush(stream, temp, durable);
            }

            Move(temp, path, overwrite, durable);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void Flush(FileStream stream, string temp, bool durable)
    {
        if (durable)
        {
            stream.Flush(flushToDisk: true);
            s_observer.Value?.Invoke("fsync-file", temp);
        }
    }

    /// <summary>Renames the flushed temporary file over the destination, then flushes the folder (the rename itself is
    /// not on disk until the folder is). A failed folder flush leaves the new file in place and reports the error.</summary>
    private static void Move(string temp, string path, bool overwrite, bool durable)
    {
        File.Move(temp, path, overwrite);
        s_observer.Value?.Invoke("rename", path);
        if (durable)
        {
            SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
    }

    /// <summary>
    /// The same with raw calls on Linux (create, write, optional fsync, close, rename: no advisory lock, no extra
    /// stat, which adds up over a thousand metadata files); false when a call fails, after removing the temporary
    /// file, so that the managed path retries and reports the error.
    /// </summary>
    private static bool TryWritePosix(string temp, string path, ReadOnlySpan<byte> data, bool durable)
    {
        if (!Posix)
        {
            return false;
        }

        int fd = Open(temp, WriteOnly | Create | Exclusive | CloseOnExec, DefaultMode);
        if (fd < 0)
        {
            return false;
        }

        bool ok = WriteFully(fd, data);
        if (ok && durable)
        {
            ok = FSync(fd) == 0;
            if (ok)
            {
                s_observer.Value?.Invoke("fsync-file", temp);
            }
        }

        ok &= Close(fd) == 0;
        if (!ok || Rename(temp, path) != 0)
        {
            TryDelete(temp);
            return false;
        }

        s_observer.Value?.Invoke("rename", path);
        if (durable)
        {
            SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }

        return true;
    }

    private static bool WriteFully(int fd, ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            nint written = WriteNative(fd, ref MemoryMarshal.GetReference(data), data.Length);
            if (written <= 0)
            {
                return false;
            }

            data = data[(int)written..];
        }

        return true;
    }

    private static void RenameOver(string from, string to)
    {
        if (Posix)
        {
            if (Rename(from, to) != 0)
            {
                throw new IOException($"{to}: rename failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        else
        {
            File.Move(from, to, overwrite: true);
        }

        s_observer.Value?.Invoke("rename", to);
    }

    private static string TempPathFor(string path, bool createDirectory)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        if (createDirectory)
        {
            System.IO.Directory.CreateDirectory(dir);
        }

        return Path.Combine(dir, "." + Path.GetFileName(full) + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ".tmp");
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint WriteNative(int fd, ref byte buffer, nint count);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Rename(string from, string to);

    private sealed class Restore(Action<string, string>? previous) : IDisposable
    {
        public void Dispose() => s_observer.Value = previous;
    }
}
