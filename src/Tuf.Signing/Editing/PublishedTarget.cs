namespace Tuf.Signing;

/// <summary>A target file listed by a published targets role, and where its content is in the published tree.</summary>
/// <param name="Role">The targets role that lists it.</param>
/// <param name="File">The target as listed (path, length, hashes).</param>
/// <param name="FilePath">Its content under <c>targets/</c> (which may be absent if it was published elsewhere).</param>
public sealed record PublishedTarget(string Role, TargetFile File, string FilePath);
