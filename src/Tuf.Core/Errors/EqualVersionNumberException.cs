namespace Tuf;

/// <summary>A new metadata version equals the trusted one. Kept for parity with python-tuf and go-tuf; the client returns a value instead.</summary>
public sealed class EqualVersionNumberException : BadVersionNumberException
{
    /// <summary>Creates the exception with a default message.</summary>
    public EqualVersionNumberException() { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public EqualVersionNumberException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public EqualVersionNumberException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for <paramref name="role"/> at <paramref name="version"/>.</summary>
    /// <param name="role">The role.</param>
    /// <param name="version">The version, both trusted and received.</param>
    public EqualVersionNumberException(string role, long version)
        : base(role, version + 1, version, $"{ErrorText.Untrusted(role)} version {version} equals the trusted version") { }
}
