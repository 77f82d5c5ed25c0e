namespace Tuf.Rollout.Swarm;

/// <summary>An image tag resolved through TUF: the manifest digest and length a threshold of the repository's keys signed.</summary>
/// <param name="TargetPath">The TUF target (the tag's name in the repository).</param>
/// <param name="Image">The image repository (<c>REGISTRY/REPOSITORY</c>) the digest belongs to.</param>
/// <param name="Digest">The signed manifest digest, <c>sha256:HEX</c>.</param>
/// <param name="Length">The signed manifest length.</param>
public sealed record VerifiedImage(string TargetPath, string Image, string Digest, long Length)
{
    /// <summary>The reference a service is pinned to: <c>IMAGE@sha256:HEX</c>, never a tag.</summary>
    public string Pinned => Image + "@" + Digest;
}

/// <summary>Resolves an image target to its verified digest (the swarm provider's only door to the repository).</summary>
public interface IVerifiedImageSource
{
    /// <summary>Refreshes trusted metadata and returns the verified digest of <paramref name="targetPath"/>.</summary>
    /// <exception cref="TufException">The repository cannot be trusted, or lists no such target.</exception>
    /// <exception cref="RolloutException">The target is not an image of this group.</exception>
    /// <param name="targetPath">The TUF target naming the image.</param>
    /// <param name="cancellationToken">Cancels the refresh.</param>
    /// <returns>The verified digest.</returns>
    Task<VerifiedImage> ResolveAsync(string targetPath, CancellationToken cancellationToken = default);
}
