using Tuf.Internal;

namespace Tuf;

/// <summary>
/// A download arrived more slowly than the minimum average speed allows, or stalled longer than the read timeout
/// (the specification's slow retrieval attack). Retrying against another mirror may help.
/// </summary>
public sealed class SlowRetrievalException : DownloadException
{
    /// <summary>Creates the exception with a default message.</summary>
    public SlowRetrievalException() { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public SlowRetrievalException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public SlowRetrievalException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for <paramref name="uri"/> after <paramref name="bytesReceived"/> bytes in <paramref name="elapsed"/>.</summary>
    /// <param name="uri">What was being downloaded.</param>
    /// <param name="bytesReceived">How many bytes had arrived.</param>
    /// <param name="elapsed">How long the download had run.</param>
    public SlowRetrievalException(string uri, long bytesReceived, TimeSpan elapsed)
        : base($"{ErrorText.Untrusted(uri)}: download too slow (slow retrieval): {bytesReceived} bytes in {elapsed.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} s")
    {
        BytesReceived = bytesReceived;
        Elapsed = elapsed;
    }

    /// <summary>How many bytes had arrived when the download was stopped.</summary>
    public long BytesReceived { get; }

    /// <summary>How long the download had run when it was stopped.</summary>
    public TimeSpan Elapsed { get; }
}
