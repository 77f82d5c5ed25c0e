namespace Tuf.Client;

/// <summary>The outcome of <see cref="TrustedMetadataSet.UpdateTimestamp"/> that is not an error.</summary>
internal enum TimestampUpdate
{
    /// <summary>The new timestamp has the trusted version: nothing changed, the trusted one stays (spec 5.4.3.1).</summary>
    Unchanged,

    /// <summary>The new timestamp became the trusted timestamp.</summary>
    Updated,
}
