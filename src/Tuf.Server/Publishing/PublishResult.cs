namespace Tuf.Server.Publishing;

/// <summary>What an accepted publish wrote.</summary>
/// <param name="Versions">Role name to the version now current, for every file written (including snapshot and timestamp).</param>
internal sealed record PublishResult(IReadOnlyDictionary<string, long> Versions);
