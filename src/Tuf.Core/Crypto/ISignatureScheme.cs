namespace Tuf;

/// <summary>
/// A signature scheme as TUF names it in a key's <c>scheme</c> field. Implementations parse a key's public value
/// once into an immutable <see cref="PublicKeyVerifier"/>; parsing and verification never throw for bad input.
/// </summary>
internal interface ISignatureScheme
{
    /// <summary>The scheme name, e.g. <c>ed25519</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Parses <paramref name="publicValue"/> for a key of type <paramref name="keyType"/>; <see langword="null"/>
    /// when the key type does not go with this scheme or the value is malformed.
    /// </summary>
    PublicKeyVerifier? TryParse(string keyType, string publicValue);
}
