namespace Tuf.Signing;

/// <summary>The kinds of key <see cref="KeyStore"/> can generate.</summary>
public enum SigningKeyType
{
    /// <summary>Ed25519 (NSec); key type and scheme <c>ed25519</c>.</summary>
    Ed25519,

    /// <summary>ECDSA on P-256 with SHA-256; key type <c>ecdsa</c>, scheme <c>ecdsa-sha2-nistp256</c>.</summary>
    EcdsaP256,

    /// <summary>RSA 3072 with PSS padding and SHA-256; key type <c>rsa</c>, scheme <c>rsassa-pss-sha256</c>.</summary>
    Rsa3072,

    /// <summary>ML-DSA-44 (FIPS 204, post-quantum, TAP 21); key type <c>ml-dsa</c>, scheme <c>ml-dsa-44/1</c>.</summary>
    MLDsa44,

    /// <summary>ML-DSA-65 (FIPS 204, post-quantum, TAP 21); key type <c>ml-dsa</c>, scheme <c>ml-dsa-65/1</c>.</summary>
    MLDsa65,

    /// <summary>ML-DSA-87 (FIPS 204, post-quantum, TAP 21); key type <c>ml-dsa</c>, scheme <c>ml-dsa-87/1</c>.</summary>
    MLDsa87,
}
