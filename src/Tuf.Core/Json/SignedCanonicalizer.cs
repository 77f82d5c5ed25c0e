using System.Runtime.InteropServices;
using System.Text.Json;

namespace Tuf;

/// <summary>
/// Computes the canonical bytes of a received <c>signed</c> object, on a thread-pool thread while the caller maps
/// the model when the object is big, inline otherwise. Whichever thread claims the work first does it, so a busy
/// thread pool never makes the parser wait: the caller then simply does the work itself.
/// </summary>
/// <remarks>
/// Concurrent reads of one <see cref="JsonDocument"/> are safe here: the canonical writer only reads raw UTF-8
/// spans and the row table; the one mutable cache in the document (the last string materialized) is touched only by
/// <see cref="JsonElement.GetString"/>, which only the model thread calls.
/// </remarks>
internal sealed class SignedCanonicalizer : IDisposable
{
    /// <summary>Below this size the hand-off costs more than it saves.</summary>
    internal const int ParallelThreshold = 1 << 20;

    private readonly JsonElement _signed;
    private readonly string _source;
    private readonly ManualResetEventSlim? _done;
    private int _claimed;
    private ReadOnlyMemory<byte> _result;
    private Exception? _error;

    private SignedCanonicalizer(JsonElement signed, string source, bool parallel)
    {
        _signed = signed;
        _source = source;
        if (parallel)
        {
            _done = new ManualResetEventSlim(false);
            ThreadPool.UnsafeQueueUserWorkItem(static self => self.TryRun(), this, preferLocal: false);
        }
    }

    public static SignedCanonicalizer Start(JsonElement signed, string source, bool allowParallel) =>
        new(signed, source, allowParallel && Environment.ProcessorCount > 1 && JsonMarshal.GetRawUtf8Value(signed).Length >= ParallelThreshold);

    /// <summary>The canonical bytes (running the work here if no other thread has started it).</summary>
    /// <exception cref="DeserializationException">The object holds a float, a lone surrogate or the like.</exception>
    public ReadOnlyMemory<byte> GetResult()
    {
        TryRun();
        _done?.Wait();
        if (_error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_error);
        }

        return _result;
    }

    /// <summary>Makes sure no thread still reads the document: claims the work if unstarted, else waits for it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _claimed, 1) == 1)
        {
            _done?.Wait();
        }
        else
        {
            _done?.Set();
        }

        _done?.Dispose();
    }

    private void TryRun()
    {
        if (Interlocked.Exchange(ref _claimed, 1) == 1)
        {
            return;
        }

        try
        {
            using var output = new PooledBufferWriter(JsonMarshal.GetRawUtf8Value(_signed).Length);

            // Canonical output is never longer than the text it came from (whitespace goes, escapes only shrink), so
            // the pooled buffer never grows; a large result keeps that buffer, a small one is copied at its size.
            CanonicalJson.WriteCore(_signed, output, validateUtf8: false, _source, "signed");
            _result = output.Detach();
        }
        catch (Exception ex)
        {
            _error = ex;
        }
        finally
        {
            _done?.Set();
        }
    }
}
