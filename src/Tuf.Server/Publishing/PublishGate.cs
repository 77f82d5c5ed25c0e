using Microsoft.Extensions.Options;

namespace Tuf.Server.Publishing;

/// <summary>
/// Admits at most <see cref="ServerOptions.MaxConcurrentPublishes"/> publishes at once on this replica, before their
/// bodies are read; the next one is refused at once (503 <c>busy</c>, <c>Retry-After: 1</c>) rather than queued, so
/// a flood of uploads costs neither memory nor temporary disk beyond the cap.
/// </summary>
internal sealed class PublishGate(IOptions<ServerOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentPublishes, options.Value.MaxConcurrentPublishes);

    /// <summary>Takes a slot; dispose the result to give it back.</summary>
    /// <exception cref="ApiException">503 <c>busy</c> when every slot is taken.</exception>
    public IDisposable Enter()
    {
        if (!_slots.Wait(0))
        {
            throw new ApiException(StatusCodes.Status503ServiceUnavailable, ErrorCodes.Busy,
                $"This server is already receiving {options.Value.MaxConcurrentPublishes} publishes; retry in a second.")
            {
                RetryAfterSeconds = 1,
            };
        }

        return new Slot(_slots);
    }

    /// <inheritdoc/>
    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
