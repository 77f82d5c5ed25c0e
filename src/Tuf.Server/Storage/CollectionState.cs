namespace Tuf.Server.Storage;

/// <summary>The current state of a collection: its generation (bumped by every publish) and each role's current file.</summary>
/// <param name="Gun">The collection.</param>
/// <param name="Generation">Optimistic-concurrency token: a publish must name the generation it was validated against.</param>
/// <param name="Roles">Current file per role name (root, targets, snapshot, timestamp, delegated roles).</param>
internal sealed record CollectionState(string Gun, long Generation, IReadOnlyDictionary<string, RoleVersion> Roles);

/// <summary>The current file of one role.</summary>
/// <param name="Version">Metadata version.</param>
/// <param name="Sha256">SHA-256 of the file bytes, lowercase hex.</param>
/// <param name="Length">Length of the file in bytes.</param>
internal sealed record RoleVersion(long Version, string Sha256, long Length);
