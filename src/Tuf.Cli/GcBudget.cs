using System.Runtime;

namespace Tuf.Cli;

/// <summary>
/// Lets a large batch command allocate up to a budget without garbage collections (<see cref="GC.TryStartNoGCRegion(long)"/>).
/// <c>tuf repo add</c> of 100,000 files keeps nearly everything it allocates (paths, hashes, the staged metadata)
/// until it exits, so collections along the way only copy live data: about 20 of them, a quarter of its run time.
/// Best effort: the budget is capped by a quarter of the memory available, a runtime that refuses it collects as
/// usual, and past the budget collections resume by themselves.
/// </summary>
internal sealed class GcBudget : IDisposable
{
    private const long MinBytes = 64L << 20;
    private const long MaxBytes = 1L << 30;
    private readonly bool _started;

    private GcBudget(bool started) => _started = started;

    /// <summary>Starts a budget of <paramref name="bytes"/> (nothing below 64 MiB: small commands gain nothing).</summary>
    public static GcBudget For(long bytes)
    {
        long size = Math.Min(bytes, Math.Min(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4, MaxBytes));
        if (size < MinBytes)
        {
            return new GcBudget(false);
        }

        try
        {
            return new GcBudget(GC.TryStartNoGCRegion(size));
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or InvalidOperationException)
        {
            // More than this runtime allows, or a budget is already running: collect as usual.
            return new GcBudget(false);
        }
    }

    /// <summary>Ends the budget if it is still running (tests run commands in-process).</summary>
    public void Dispose()
    {
        if (_started && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            try
            {
                GC.EndNoGCRegion();
            }
            catch (InvalidOperationException)
            {
                // The budget was exceeded (or a collection was induced) and it ended by itself.
            }
        }
    }
}
