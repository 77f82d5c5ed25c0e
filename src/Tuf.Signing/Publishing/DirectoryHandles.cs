using System.Collections.Concurrent;

namespace Tuf.Signing;

/// <summary>
/// Open handles (<c>O_PATH</c>) of the directories a commit reads sources from and links targets into, so that each
/// per-file call names one path component instead of walking the whole path again: publishing 100,000 targets makes
/// 400,000 such calls. Thread-safe; <see cref="Dispose"/> closes every handle. Where a directory cannot be opened
/// (or off Linux), paths are resolved from the working directory as usual.
/// </summary>
internal sealed class DirectoryHandles : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<int>> _handles = new(StringComparer.Ordinal);

    /// <summary>
    /// The directory handle and the last component to pass to an <c>*at</c> call for <paramref name="path"/>, or
    /// (<see cref="PosixFile.AtCurrentDirectory"/>, <paramref name="path"/>) when its directory cannot be opened.
    /// </summary>
    public (int DirFd, string Name) Resolve(string path)
    {
        int slash = path.LastIndexOf(Path.DirectorySeparatorChar);
        if (!PosixFile.Supported || slash <= 0 || slash == path.Length - 1)
        {
            return (PosixFile.AtCurrentDirectory, path);
        }

        int fd = Open(path[..slash]);
        return fd < 0 ? (PosixFile.AtCurrentDirectory, path) : (fd, path[(slash + 1)..]);
    }

    /// <summary>The handle of <paramref name="directory"/> (an absolute path without a trailing separator), opened on first use; -1 when it cannot be opened (or off Linux).</summary>
    public int Open(string directory) =>
        PosixFile.Supported
            ? _handles.GetOrAdd(directory, static d => new Lazy<int>(() => PosixFile.OpenDirectory(d), LazyThreadSafetyMode.ExecutionAndPublication)).Value
            : -1;

    public void Dispose()
    {
        foreach (var handle in _handles.Values)
        {
            if (handle.IsValueCreated && handle.Value >= 0)
            {
                _ = PosixFile.Close(handle.Value);
            }
        }

        _handles.Clear();
    }
}
