using Tuf.Internal;

namespace Tuf;

/// <summary>The server answered with an HTTP status that is not success.</summary>
public sealed class DownloadHttpException : DownloadException
{
    /// <summary>Creates the exception with a default message.</summary>
    public DownloadHttpException() { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public DownloadHttpException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public DownloadHttpException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for <paramref name="uri"/> answered with <paramref name="statusCode"/>.</summary>
    /// <param name="uri">The address requested.</param>
    /// <param name="statusCode">The HTTP status code.</param>
    public DownloadHttpException(Uri uri, int statusCode)
        : base($"{ErrorText.Untrusted(uri?.ToString() ?? string.Empty)} answered HTTP {statusCode}")
    {
        Uri = uri;
        StatusCode = statusCode;
    }

    /// <summary>The HTTP status code.</summary>
    public int StatusCode { get; }

    /// <summary>The address requested.</summary>
    public Uri? Uri { get; }
}
