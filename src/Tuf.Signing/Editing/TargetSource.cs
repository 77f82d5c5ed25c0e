namespace Tuf.Signing;

/// <summary>A file to publish as a target.</summary>
/// <param name="TargetPath">The target path clients ask for (relative, <c>/</c>-separated).</param>
/// <param name="FilePath">The local file with the content.</param>
public sealed record TargetSource(string TargetPath, string FilePath)
{
    /// <summary>
    /// Publish the file by hard-linking it into <c>targets/</c> instead of copying it (consistent snapshots, same file
    /// system; otherwise it is copied). Much faster for many small files, but the published target then shares the
    /// file's storage: the file must never be modified in place afterwards (replacing it, e.g. by rename, is fine),
    /// or clients will reject the target's content.
    /// </summary>
    public bool Link { get; init; }
}
