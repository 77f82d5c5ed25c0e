namespace Tuf.Signing;

/// <summary>
/// An offline signing operation was refused: bad input (an unknown role, an unsafe target path, a threshold larger
/// than the key count, ...), a key store problem (unknown key, wrong passphrase) or a role that lacks its threshold.
/// Whatever raised it changed nothing on disk.
/// </summary>
public sealed class SigningException : TufException
{
    /// <summary>Creates the exception with a default message.</summary>
    public SigningException() { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong, in one line.</param>
    public SigningException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What went wrong, in one line.</param>
    /// <param name="innerException">The cause.</param>
    public SigningException(string message, Exception innerException) : base(message, innerException) { }
}
