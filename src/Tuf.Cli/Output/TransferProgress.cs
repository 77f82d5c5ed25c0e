using System.Globalization;

namespace Tuf.Cli.Output;

/// <summary>
/// One self-rewriting line on stderr for a transfer that takes a while: bytes so far, total, rate. Shown only at a
/// terminal, and only once the transfer has run for a second (short ones print nothing); finished with a newline.
/// </summary>
internal sealed class TransferProgress
{
    private static readonly TimeSpan ShowAfter = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(100);
    private readonly string _what;
    private readonly long? _total;
    private readonly TextWriter _out;
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly object _gate = new();
    private TimeSpan? _lastDrawn;
    private long _done;
    private bool _shown;

    internal TransferProgress(string what, long? total, TextWriter output, TimeProvider time)
    {
        _what = what;
        _total = total;
        _out = output;
        _time = time;
        _start = time.GetTimestamp();
    }

    /// <summary>A progress line for <paramref name="what"/> on stderr, or null when stderr is not a terminal.</summary>
    public static TransferProgress? Start(string what, long? total) =>
        Terminal.StderrIsTerminal ? new TransferProgress(what, total, Console.Error, TimeProvider.System) : null;

    public void Add(long bytes)
    {
        lock (_gate)
        {
            _done += bytes;
            var now = _time.GetElapsedTime(_start);
            if (now >= ShowAfter && (_lastDrawn is not { } last || now - last >= Every))
            {
                _lastDrawn = now;
                _shown = true;
                _out.Write("\r" + Line(now) + "\u001b[K");
            }
        }
    }

    public void Finish()
    {
        lock (_gate)
        {
            if (_shown)
            {
                _out.WriteLine("\r" + Line(_time.GetElapsedTime(_start)) + "\u001b[K");
                _shown = false;
            }
        }
    }

    private string Line(TimeSpan elapsed)
    {
        double rate = _done / Math.Max(elapsed.TotalSeconds, 0.001);
        string total = _total is { } t ? " / " + Bytes(t) : "";
        return string.Create(CultureInfo.InvariantCulture, $"{_what}: {Bytes(_done)}{total}  {Bytes((long)rate)}/s");
    }

    internal static string Bytes(long n) => n switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{n / (double)(1L << 30):0.0} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{n / (double)(1L << 20):0.0} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{n / 1024.0:0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{n} B"),
    };
}
