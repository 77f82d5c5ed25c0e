namespace Tuf.Rollout;

/// <summary>
/// Resolves a target path to verified bytes: the rollout's only door to the repository. The TUF implementation refreshes
/// trusted metadata, looks the target up (delegations included) and downloads it, throwing the client's
/// <see cref="TufException"/> subtypes when anything does not verify.
/// </summary>
public interface IVerifiedArtifactSource
{
    /// <summary>Refreshes metadata and returns the newest verified bytes of <paramref name="targetPath"/>.</summary>
    /// <exception cref="TufException">The repository could not be trusted, lists no such target, or the download failed.</exception>
    Task<VerifiedArtifact> ResolveAsync(string targetPath, CancellationToken cancellationToken = default);
}
