namespace Tuf.Rollout;

/// <summary>A target whose bytes were verified against trusted TUF metadata, held in a local file.</summary>
/// <param name="TargetPath">The TUF target path (e.g. <c>app/app-2.tar.gz</c>).</param>
/// <param name="LocalPath">A local file holding the verified bytes.</param>
/// <param name="Length">The trusted length.</param>
/// <param name="Sha256">The trusted sha256 (lowercase hex); the release is installed under <c>releases/{Sha256}</c>.</param>
public sealed record VerifiedArtifact(string TargetPath, string LocalPath, long Length, string Sha256)
{
    /// <summary>Whether the artifact is a gzip-compressed tar archive (unpacked) rather than a single file (copied).</summary>
    public bool IsArchive =>
        TargetPath.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase) || TargetPath.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase);

    /// <summary>The file name a single-file artifact gets inside its release folder.</summary>
    public string FileName => TargetPath[(TargetPath.LastIndexOf('/') + 1)..];
}
