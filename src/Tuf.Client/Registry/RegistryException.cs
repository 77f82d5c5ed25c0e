namespace Tuf.Client.Registry;

/// <summary>A registry could not be reached, refused the request, or served something that is not the manifest asked for.</summary>
public sealed class RegistryException : DownloadException
{
    /// <summary>Creates the exception with a default message.</summary>
    public RegistryException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    public RegistryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public RegistryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
