using System.ComponentModel;
using System.Diagnostics;

namespace Tuf.Internal;

/// <summary>
/// Prints how long each phase of a long operation took (wall and process CPU time) to standard error when the environment variable
/// <c>TUF_TIMINGS</c> is set (for benchmarks: <c>TUF_TIMINGS=1 tuf repo commit ...</c>). Silent otherwise.
/// </summary>
/// <remarks>Infrastructure shared by the Tuf assemblies (public so they need no <c>InternalsVisibleTo</c>); not a supported API: it may change or disappear in any release.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class PhaseTimer
{
    private static readonly bool Enabled = Environment.GetEnvironmentVariable("TUF_TIMINGS") is { Length: > 0 };
    private static readonly Stopwatch Clock = Stopwatch.StartNew();
    private static long _last;
    private static TimeSpan _lastCpu;
    private static TimeSpan _lastPause;

    /// <summary>Reports the time since the previous mark (or since start-up) as <paramref name="phase"/>.</summary>
    public static void Mark(string phase)
    {
        if (!Enabled)
        {
            return;
        }

        long now = Clock.ElapsedTicks;
        long previous = Interlocked.Exchange(ref _last, now);
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var previousCpu = _lastCpu;
        _lastCpu = cpu;
        double sinceStart = (TimeProvider.System.GetLocalNow().DateTime - process.StartTime).TotalMilliseconds;
        var pause = GC.GetTotalPauseDuration();
        var previousPause = _lastPause;
        _lastPause = pause;
        Console.Error.WriteLine(
            $"[timing] {phase}: {(now - previous) * 1000.0 / Stopwatch.Frequency:F1} ms, cpu {(cpu - previousCpu).TotalMilliseconds:F0} ms, " +
            $"gc pauses {(pause - previousPause).TotalMilliseconds:F0} ms (at {sinceStart:F0} ms since process start; gc {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, heap {GC.GetTotalMemory(false) >> 20} MiB)");
    }
}
