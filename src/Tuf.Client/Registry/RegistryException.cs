namespace Tuf.Client.Registry;

/// <summary>A registry could not be reached, refused the request, or served something that is not the manifest asked for.</summary>
internal sealed class RegistryException : DownloadException
{
    public RegistryException()
    {
    }

    public RegistryException(string message)
        : base(message)
    {
    }

    public RegistryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
