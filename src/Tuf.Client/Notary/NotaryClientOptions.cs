namespace Tuf.Client.Notary;

/// <summary>How a <see cref="NotaryClient"/> bootstraps trust and bounds what it reads.</summary>
public sealed class NotaryClientOptions
{
    /// <summary>
    /// A root.json checked out of band to trust on first use instead of the server's (when the trust folder holds no
    /// root yet). Null: trust the first root the server serves, as Notary and Docker Content Trust do.
    /// </summary>
    public string? RootFile { get; set; }

    /// <summary>The most root versions one refresh walks.</summary>
    public int MaxRootRotations { get; set; } = 256;

    /// <summary>The most delegated roles one refresh reads.</summary>
    public int MaxDelegations { get; set; } = 1000;

    /// <summary>The most bytes of a root or timestamp (their lengths are not signed anywhere).</summary>
    public long MaxUnlistedLength { get; set; } = 2_000_000;

    /// <summary>Timeouts, the slow-retrieval guard and the clock (expiry); the defaults of <see cref="UpdaterOptions"/>.</summary>
    public UpdaterOptions Transport { get; set; } = new();
}
