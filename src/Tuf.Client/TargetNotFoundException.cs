using Tuf.Internal;

namespace Tuf.Client;

/// <summary>No trusted targets metadata reached by the delegation search lists the requested target.</summary>
public sealed class TargetNotFoundException : RepositoryException
{
    /// <summary>Creates the exception with a default message.</summary>
    public TargetNotFoundException() { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public TargetNotFoundException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public TargetNotFoundException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The target path searched for.</summary>
    public string? TargetPath { get; init; }

    /// <summary>The exception for <paramref name="targetPath"/>, with the standard message (the path escaped) and <see cref="TargetPath"/> set.</summary>
    /// <param name="targetPath">The target path searched for.</param>
    /// <returns>The exception, to throw.</returns>
    public static TargetNotFoundException For(string targetPath) =>
        new($"target {ErrorText.Untrusted(targetPath)} not found in trusted metadata") { TargetPath = targetPath };
}
