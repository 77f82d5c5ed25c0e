namespace Tuf;

/// <summary>Downloaded bytes do not match the length or hashes that trusted metadata lists for them.</summary>
public sealed class LengthOrHashMismatchException : RepositoryException
{
    /// <summary>Creates the exception with a default message.</summary>
    public LengthOrHashMismatchException() { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public LengthOrHashMismatchException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public LengthOrHashMismatchException(string message, Exception innerException) : base(message, innerException) { }
}
