namespace Tuf.Client;

/// <summary>A target whose bytes on disk matched the length and every hash that trusted metadata lists for it.</summary>
/// <param name="Info">The trusted target description.</param>
/// <param name="LocalPath">Where the verified bytes are.</param>
/// <param name="Downloaded"><see langword="false"/> when a verified local copy was already present.</param>
public sealed record VerifiedTarget(TargetFile Info, string LocalPath, bool Downloaded);
