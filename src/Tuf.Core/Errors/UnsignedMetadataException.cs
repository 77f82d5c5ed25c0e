using Tuf.Internal;

namespace Tuf;

/// <summary>Metadata is not signed by a threshold of the keys authorized for its role.</summary>
public sealed class UnsignedMetadataException : RepositoryException
{
    /// <summary>Creates the exception with a default message.</summary>
    public UnsignedMetadataException() { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public UnsignedMetadataException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public UnsignedMetadataException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for <paramref name="role"/> with <paramref name="validSignatures"/> of <paramref name="threshold"/>.</summary>
    /// <param name="role">The role whose threshold was not met.</param>
    /// <param name="threshold">How many valid signatures were needed.</param>
    /// <param name="validSignatures">How many were found.</param>
    public UnsignedMetadataException(string role, int threshold, int validSignatures)
        : base($"{ErrorText.Untrusted(role)} was signed by {validSignatures}/{threshold} required keys")
    {
        Role = role;
        Threshold = threshold;
        ValidSignatures = validSignatures;
    }

    /// <summary>The role whose threshold was not met.</summary>
    public string? Role { get; }

    /// <summary>How many valid signatures were needed.</summary>
    public int Threshold { get; }

    /// <summary>How many valid signatures from distinct authorized keys were found.</summary>
    public int ValidSignatures { get; }
}
