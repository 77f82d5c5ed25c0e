namespace Tuf.Client;

/// <summary>
/// The root the client starts from cannot be used: the stored trusted <c>root.json</c> (then <see cref="Path"/> names
/// it) or the bootstrap root given to the <see cref="Updater"/> is not valid root metadata signed by its own keys.
/// The client never replaces its trusted root on its own: recover by checking a root out of band, deleting the
/// stored one and bootstrapping again.
/// </summary>
public sealed class TrustedRootException : RepositoryException
{
    /// <summary>Creates the exception with a default message.</summary>
    public TrustedRootException() { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public TrustedRootException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public TrustedRootException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The stored trusted root's path, or null when the bootstrap root was at fault.</summary>
    public string? Path { get; init; }

    /// <summary>Why it cannot be used (the message of the underlying failure).</summary>
    public string Reason { get; init; } = "";
}
