namespace Tuf.Signing;

/// <summary>What a commit published.</summary>
/// <param name="Roles">The committed roles and their new versions (snapshot and timestamp included when made).</param>
/// <param name="MetadataFilesWritten">How many metadata files were written.</param>
/// <param name="TargetFilesWritten">How many target files were published.</param>
public sealed record CommitResult(IReadOnlyDictionary<string, long> Roles, int MetadataFilesWritten, int TargetFilesWritten)
{
    /// <summary>Whether there was nothing to commit.</summary>
    public bool IsEmpty => Roles.Count == 0;
}
