namespace Tuf.Signing;

/// <summary>Writes files so that a reader sees the old content or the new, never a partial file: temp + fsync + rename.</summary>
internal static class AtomicFile
{
    /// <param name="path">The destination.</param>
    /// <param name="data">The content.</param>
    /// <param name="overwrite">Whether an existing file is replaced (else the move fails).</param>
    /// <param name="durable">Whether to fsync before the rename (published metadata); staging blobs skip it.</param>
    public static void Write(string path, ReadOnlySpan<byte> data, bool overwrite = true, bool durable = true)
    {
        string dir = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        string temp = Path.Combine(dir, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
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
