namespace Tuf.Server.Storage;

/// <summary>A publish lost the race: the collection changed after it was validated.</summary>
internal sealed class PublishConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PublishConflictException()
        : base("The collection changed while this publish was being validated; fetch the new state and retry.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public PublishConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public PublishConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
