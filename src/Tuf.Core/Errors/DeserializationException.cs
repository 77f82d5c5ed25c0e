namespace Tuf;

/// <summary>Metadata bytes are malformed: invalid or oversized JSON, duplicate keys, floats, wrong types, missing fields or a wrong <c>_type</c>.</summary>
public sealed class DeserializationException : RepositoryException
{
    /// <summary>Creates the exception with a default message.</summary>
    public DeserializationException() { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public DeserializationException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public DeserializationException(string message, Exception innerException) : base(message, innerException) { }
}
