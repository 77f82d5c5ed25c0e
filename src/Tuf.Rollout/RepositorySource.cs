namespace Tuf.Rollout;

/// <summary>Where a rollout's artifact comes from (kept in the journal so resume and watch need no repeated options).</summary>
/// <param name="MetadataUrl">Base URL of the repository's metadata.</param>
/// <param name="TargetsUrl">Base URL of its targets.</param>
/// <param name="MetadataDirectory">Local folder of trusted metadata.</param>
/// <param name="RootFile">Initial trusted root, when the metadata folder has none yet.</param>
public sealed record RepositorySource(string MetadataUrl, string TargetsUrl, string MetadataDirectory, string? RootFile);
