namespace Tuf.Signing;

/// <summary>A metadata file of the repository's published tree (as of the last commit).</summary>
/// <param name="Role">The role name.</param>
/// <param name="Version">The role's version in this file.</param>
/// <param name="FilePath">The file under <c>metadata/</c>.</param>
public sealed record PublishedMetadata(string Role, long Version, string FilePath);
