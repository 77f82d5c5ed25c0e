using Tuf.Internal;

namespace Tuf;

/// <summary>A download was larger than the limit allowed for it.</summary>
public sealed class DownloadLengthExceededException : DownloadException
{
    /// <summary>Creates the exception with a default message.</summary>
    public DownloadLengthExceededException() { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public DownloadLengthExceededException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public DownloadLengthExceededException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for a download that went past <paramref name="maxLength"/> bytes.</summary>
    /// <param name="uri">What was being downloaded.</param>
    /// <param name="maxLength">The limit in bytes.</param>
    public DownloadLengthExceededException(string uri, long maxLength)
        : base($"{ErrorText.Untrusted(uri)} is larger than the limit of {maxLength} bytes") => MaxLength = maxLength;

    /// <summary>The limit in bytes that was exceeded.</summary>
    public long MaxLength { get; }
}
