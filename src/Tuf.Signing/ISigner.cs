namespace Tuf.Signing;

/// <summary>
/// Something that can sign metadata with one private key: a key from the encrypted key store today, a hardware
/// token or a cloud KMS later. The repository editor only ever talks to this interface.
/// </summary>
public interface ISigner
{
    /// <summary>The public key as TUF metadata lists it.</summary>
    Key PublicKey { get; }

    /// <summary>The key ID of <see cref="PublicKey"/>.</summary>
    string KeyId { get; }

    /// <summary>Signs <paramref name="data"/> (the canonical bytes of a <c>signed</c> object) under the key's scheme.</summary>
    /// <param name="data">The bytes to sign.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The raw signature bytes (hex-encoded when put in metadata).</returns>
    Task<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);
}
