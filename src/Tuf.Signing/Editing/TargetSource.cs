namespace Tuf.Signing;

/// <summary>A file to publish as a target.</summary>
/// <param name="TargetPath">The target path clients ask for (relative, <c>/</c>-separated).</param>
/// <param name="FilePath">The local file with the content.</param>
public sealed record TargetSource(string TargetPath, string FilePath);
