using System.ComponentModel;
using System.Runtime.ExceptionServices;

namespace Tuf.Internal;

/// <summary>
/// Runs independent pieces of a repository operation on every core. A failure surfaces as the exception the piece
/// threw (not an <see cref="AggregateException"/>), so callers and the CLI report it like a sequential failure.
/// </summary>
/// <remarks>Infrastructure shared by the Tuf assemblies (public so they need no <c>InternalsVisibleTo</c>); not a supported API: it may change or disappear in any release.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ParallelWork
{
    /// <summary>Calls <paramref name="body"/> for each item, on up to one thread per core.</summary>
    public static void ForEach<T>(IEnumerable<T> items, Action<T> body, CancellationToken cancellationToken = default)
    {
        try
        {
            Parallel.ForEach(items, Options(cancellationToken), body);
        }
        catch (AggregateException ex)
        {
            ExceptionDispatchInfo.Capture(ex.Flatten().InnerExceptions[0]).Throw();
            throw;
        }
    }

    /// <summary>Calls <paramref name="body"/> for each item, on up to one thread per core.</summary>
    public static async Task ForEachAsync<T>(IEnumerable<T> items, Func<T, CancellationToken, ValueTask> body, CancellationToken cancellationToken = default)
    {
        // Parallel.ForEachAsync already rethrows the first exception itself.
        await Parallel.ForEachAsync(items, Options(cancellationToken), body).ConfigureAwait(false);
    }

    /// <summary>Runs the actions at the same time.</summary>
    public static void Invoke(params Action[] actions)
    {
        try
        {
            Parallel.Invoke(actions);
        }
        catch (AggregateException ex)
        {
            ExceptionDispatchInfo.Capture(ex.Flatten().InnerExceptions[0]).Throw();
            throw;
        }
    }

    private static ParallelOptions Options(CancellationToken cancellationToken) =>
        new() { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount };
}
