namespace Tuf;

/// <summary>A transport failure (network, HTTP status, size limit); usually worth retrying.</summary>
public class DownloadException : TufException
{
    /// <summary>Creates the exception with a default message.</summary>
    public DownloadException() { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public DownloadException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public DownloadException(string message, Exception innerException) : base(message, innerException) { }
}
