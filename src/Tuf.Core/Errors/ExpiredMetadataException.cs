using Tuf.Internal;

namespace Tuf;

/// <summary>Metadata has expired at the reference time of the update.</summary>
public sealed class ExpiredMetadataException : RepositoryException
{
    /// <summary>Creates the exception with a default message.</summary>
    public ExpiredMetadataException() { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ExpiredMetadataException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ExpiredMetadataException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for <paramref name="role"/> that expired at <paramref name="expires"/>.</summary>
    /// <param name="role">The role.</param>
    /// <param name="expires">When it expired.</param>
    /// <param name="referenceTime">The time of the update.</param>
    public ExpiredMetadataException(string role, DateTimeOffset expires, DateTimeOffset referenceTime)
        : base($"{ErrorText.Untrusted(role)}.json expired {expires.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}")
    {
        Role = role;
        Expires = expires;
        ReferenceTime = referenceTime;
    }

    /// <summary>The role.</summary>
    public string? Role { get; }

    /// <summary>When it expired.</summary>
    public DateTimeOffset Expires { get; }

    /// <summary>The time of the update.</summary>
    public DateTimeOffset ReferenceTime { get; }
}
