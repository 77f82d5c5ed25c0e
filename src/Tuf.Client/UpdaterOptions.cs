namespace Tuf.Client;

/// <summary>Limits and settings of an <see cref="Updater"/>. Every download and every search is bounded by them.</summary>
public sealed class UpdaterOptions
{
    /// <summary>Largest root metadata file accepted, in bytes (default 512,000).</summary>
    public long RootMaxLength { get; set; } = 512_000;

    /// <summary>Largest timestamp metadata file accepted, in bytes (default 16,384).</summary>
    public long TimestampMaxLength { get; set; } = 16_384;

    /// <summary>Largest snapshot metadata file accepted when the timestamp lists no length, in bytes (default 2,000,000).</summary>
    public long SnapshotMaxLength { get; set; } = 2_000_000;

    /// <summary>Largest targets metadata file accepted when the snapshot lists no length, in bytes (default 5,000,000).</summary>
    public long TargetsMaxLength { get; set; } = 5_000_000;

    /// <summary>
    /// Largest metadata file accepted for any role, even when the timestamp or snapshot lists a larger length; null
    /// (the default) for no cap beyond the listed lengths and the per-role defaults above.
    /// </summary>
    public long? MaxMetadataLength { get; set; }

    /// <summary>Most root versions walked in one refresh (default 256).</summary>
    public int MaxRootRotations { get; set; } = 256;

    /// <summary>Most targets roles visited while searching for one target (default 32).</summary>
    public int MaxDelegations { get; set; } = 32;

    /// <summary>Whether targets are fetched as <c>HASH.name</c> when the root enables consistent snapshots (default true).</summary>
    public bool PrefixTargetsWithHash { get; set; } = true;

    /// <summary>The clock; one reading is the reference time of each refresh (default <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Longest wait for response headers, or between two reads of a body (default 30 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Slowest average download speed tolerated after <see cref="SlowRetrievalGracePeriod"/>, in bytes per second
    /// (default 1,024); a slower transfer is aborted (slow retrieval attack). 0 disables the check.</summary>
    public long MinimumAverageBytesPerSecond { get; set; } = 1024;

    /// <summary>How long a download may run before <see cref="MinimumAverageBytesPerSecond"/> is enforced (default 5 s).</summary>
    public TimeSpan SlowRetrievalGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(RootMaxLength, 1, nameof(RootMaxLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(TimestampMaxLength, 1, nameof(TimestampMaxLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(SnapshotMaxLength, 1, nameof(SnapshotMaxLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(TargetsMaxLength, 1, nameof(TargetsMaxLength));
        if (MaxMetadataLength is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(max, 1, nameof(MaxMetadataLength));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRootRotations, 1, nameof(MaxRootRotations));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelegations, 1, nameof(MaxDelegations));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero, nameof(RequestTimeout));
        ArgumentOutOfRangeException.ThrowIfNegative(MinimumAverageBytesPerSecond, nameof(MinimumAverageBytesPerSecond));
        ArgumentOutOfRangeException.ThrowIfLessThan(SlowRetrievalGracePeriod, TimeSpan.Zero, nameof(SlowRetrievalGracePeriod));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }
}
