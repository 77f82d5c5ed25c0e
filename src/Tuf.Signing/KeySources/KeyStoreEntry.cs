namespace Tuf.Signing;

/// <summary>A key in a <see cref="KeyStore"/>: its name and public half (readable without a passphrase).</summary>
/// <param name="Name">The key's name in the store.</param>
/// <param name="KeyId">The TUF key ID.</param>
/// <param name="PublicKey">The public key as metadata lists it.</param>
public sealed record KeyStoreEntry(string Name, string KeyId, Key PublicKey);
