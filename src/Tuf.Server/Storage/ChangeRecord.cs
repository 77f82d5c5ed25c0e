namespace Tuf.Server.Storage;

/// <summary>One entry of the change feed.</summary>
/// <param name="Id">Monotonic id.</param>
/// <param name="Gun">Collection.</param>
/// <param name="Version">Timestamp version after the change (0 for a deletion).</param>
/// <param name="Sha256">SHA-256 of that timestamp file (empty for a deletion).</param>
/// <param name="Category">"update", "resign" or "deletion".</param>
/// <param name="CreatedAt">When.</param>
internal sealed record ChangeRecord(long Id, string Gun, long Version, string Sha256, string Category, DateTimeOffset CreatedAt);
