namespace Tuf;

/// <summary>Base of every exception this library throws on purpose.</summary>
public abstract class TufException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    protected TufException() { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    protected TufException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    protected TufException(string message, Exception innerException) : base(message, innerException) { }
}
