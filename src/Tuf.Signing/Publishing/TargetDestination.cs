namespace Tuf.Signing;

/// <summary>
/// Where one target file is published: a folder under <c>targets/</c>, its open handle for the <c>*at</c> calls
/// (<see cref="PosixFile.AtCurrentDirectory"/> when it has none), and the file's name in it. The full path is only
/// built when needed (the slow paths and error messages): a commit of 100,000 targets names 200,000 files.
/// </summary>
internal readonly record struct TargetDestination(string Folder, int FolderFd, string Name)
{
    /// <summary>The file's absolute path.</summary>
    public string FullPath => Path.Join(Folder, Name);

    /// <summary>The directory handle and name to pass to an <c>*at</c> call.</summary>
    public (int DirFd, string Name) At => FolderFd >= 0 ? (FolderFd, Name) : (PosixFile.AtCurrentDirectory, FullPath);
}
