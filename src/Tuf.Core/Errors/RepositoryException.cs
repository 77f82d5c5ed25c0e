namespace Tuf;

/// <summary>The repository served something that must not be trusted; the update stops.</summary>
public class RepositoryException : TufException
{
    /// <summary>Creates the exception with a default message.</summary>
    public RepositoryException() { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public RepositoryException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public RepositoryException(string message, Exception innerException) : base(message, innerException) { }
}
