namespace Tuf.Signing;

/// <summary>Writes files so that a reader sees the old content or the new, never a partial file: temp + fsync + rename.</summary>
internal static class AtomicFile
{
    /// <summary>How much a writer given to <see cref="Write(string, Action{Stream}, bool)"/> should buffer before flushing.</summary>
    public const int FlushBytes = 1 << 20;

    /// <param name="path">The destination.</param>
    /// <param name="data">The content.</param>
    /// <param name="overwrite">Whether an existing file is replaced (else the move fails).</param>
    /// <param name="durable">Whether to fsync before the rename (published metadata); staging blobs skip it.</param>
    public static void Write(string path, ReadOnlySpan<byte> data, bool overwrite = true, bool durable = true)
    {
        string temp = NewTempPath(path);
        if (overwrite && TryWritePosix(temp, path, data, durable))
        {
            return;
        }

        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None))
            {
                stream.Write(data);
                if (durable)
                {
                    stream.Flush(flushToDisk: true);
                }
            }

            File.Move(temp, path, overwrite);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Writes a large file as <paramref name="write"/> produces it, through a temporary file renamed over
    /// <paramref name="path"/>: the content is never held in memory as a whole (the writer flushes as it goes).
    /// </summary>
    /// <param name="path">The destination (replaced when it exists).</param>
    /// <param name="write">Writes the content to the stream it is given.</param>
    /// <param name="durable">Whether to fsync before the rename.</param>
    public static void Write(string path, Action<Stream> write, bool durable = true)
    {
        string temp = NewTempPath(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.None))
            {
                write(stream);
                if (durable)
                {
                    stream.Flush(flushToDisk: true);
                }
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// The same with raw calls on Linux (create, write, optional fsync, close, rename: no advisory lock, no extra
    /// stat); false when a call fails, after removing the temporary file, so that the managed path retries and
    /// reports the error.
    /// </summary>
    private static bool TryWritePosix(string temp, string path, ReadOnlySpan<byte> data, bool durable)
    {
        if (!PosixFile.Supported)
        {
            return false;
        }

        int fd = PosixFile.CreateNew(temp);
        if (fd < 0)
        {
            return false;
        }

        bool ok = PosixFile.WriteFully(fd, data) && (!durable || PosixFile.Flush(fd));
        ok &= PosixFile.Close(fd) == 0;
        if (ok && PosixFile.RenameOver(temp, path) == 0)
        {
            return true;
        }

        TryDelete(temp);
        return false;
    }

    /// <summary>Hands what <paramref name="writer"/> buffered to its stream once it holds <see cref="FlushBytes"/> (for writers given to <see cref="Write(string, Action{Stream}, bool)"/>).</summary>
    public static void FlushWhenFull(System.Text.Json.Utf8JsonWriter writer)
    {
        if (writer.BytesPending >= FlushBytes)
        {
            writer.Flush();
        }
    }

    /// <summary>A new temporary name next to <paramref name="path"/> (hidden, unique), its folder created.</summary>
    private static string NewTempPath(string path)
    {
        string dir = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort cleanup of a temp file.
        }
        catch (UnauthorizedAccessException)
        {
            // Best effort cleanup of a temp file.
        }
    }
}
