namespace Tuf;

/// <summary>A metadata version is not the one expected (rollback, or a gap in the root chain).</summary>
public class BadVersionNumberException : RepositoryException
{
    /// <summary>Creates the exception with a default message.</summary>
    public BadVersionNumberException() { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public BadVersionNumberException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public BadVersionNumberException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for <paramref name="role"/> with the expected and actual versions.</summary>
    /// <param name="role">The role.</param>
    /// <param name="expected">The version expected (or the lowest acceptable).</param>
    /// <param name="actual">The version received.</param>
    /// <param name="message">What went wrong.</param>
    public BadVersionNumberException(string role, long expected, long actual, string message)
        : base(message)
    {
        Role = role;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The role.</summary>
    public string? Role { get; }

    /// <summary>The version expected (or the lowest acceptable).</summary>
    public long Expected { get; }

    /// <summary>The version received.</summary>
    public long Actual { get; }
}
