namespace Tuf.Testing;

/// <summary>
/// A clock that reads the date from another provider (the test's <c>FakeTimeProvider</c>, set and advanced by the
/// test) but measures durations and runs timers on the real clock: for code under test that really waits, such as
/// the client's slow-retrieval guard reading a body trickled over loopback HTTP, where a fake timestamp that moves
/// only on <c>Advance</c> would make every download look instantaneous.
/// </summary>
public sealed class RealTimersClock(TimeProvider wallClock) : TimeProvider
{
    /// <summary>The wall-clock reading of the wrapped provider.</summary>
    public override DateTimeOffset GetUtcNow() => wallClock.GetUtcNow();

    /// <summary>The wrapped provider's time zone.</summary>
    public override TimeZoneInfo LocalTimeZone => wallClock.LocalTimeZone;

    // GetTimestamp, TimestampFrequency and CreateTimer stay TimeProvider's own: the system's high-resolution
    // timestamp and real timers.
}
