using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Tuf.Notary;

/// <summary>
/// A public key as Notary lists it: <c>{"keytype": ..., "keyval": {"private": null, "public": BASE64}}</c>, where the
/// public value is a DER SubjectPublicKeyInfo (<c>ecdsa</c>, <c>rsa</c>), a PEM certificate (<c>ecdsa-x509</c>,
/// <c>rsa-x509</c>; a root key is a self-signed certificate whose common name is the collection's name) or the 32 raw
/// bytes of an <c>ed25519</c> key. Its ID is the SHA-256 of its canonical JSON.
/// </summary>
public sealed class NotaryKey
{
    private readonly Lazy<Verifier?> _verifier;

    /// <summary>Creates a key from its type and decoded public value.</summary>
    /// <param name="keyType">The key type.</param>
    /// <param name="publicValue">The decoded <c>keyval.public</c>.</param>
    public NotaryKey(string keyType, byte[] publicValue)
    {
        ArgumentNullException.ThrowIfNull(keyType);
        ArgumentNullException.ThrowIfNull(publicValue);
        KeyType = keyType;
        PublicValue = publicValue;
        Id = Convert.ToHexStringLower(SHA256.HashData(CanonicalBytes()));
        _verifier = new Lazy<Verifier?>(CreateVerifier);
    }

    /// <summary>The key type: <c>ecdsa</c>, <c>ecdsa-x509</c>, <c>rsa</c>, <c>rsa-x509</c> or <c>ed25519</c>.</summary>
    public string KeyType { get; }

    /// <summary>The decoded public value.</summary>
    public byte[] PublicValue { get; }

    /// <summary>The key ID: lowercase hex SHA-256 of the key's canonical JSON.</summary>
    public string Id { get; }

    /// <summary>Whether the public value is a certificate.</summary>
    public bool IsCertificate => KeyType is "ecdsa-x509" or "rsa-x509";

    /// <summary>The key's JSON object as Notary writes it, canonical.</summary>
    /// <returns>The bytes.</returns>
    public byte[] CanonicalBytes()
    {
        var json = new System.Buffers.ArrayBufferWriter<byte>(128 + (PublicValue.Length * 4 / 3));
        using (var writer = new System.Text.Json.Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("keytype", KeyType);
            writer.WriteStartObject("keyval");
            writer.WriteNull("private");
            writer.WriteBase64String("public", PublicValue);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return CanonicalJson.Encode(json.WrittenSpan);
    }

    /// <summary>The certificate of an <c>*-x509</c> key, or <see langword="null"/> (a new instance each call: dispose it).</summary>
    /// <returns>The certificate, or null when the key is not a certificate or it does not parse.</returns>
    public X509Certificate2? TryGetCertificate()
    {
        if (!IsCertificate)
        {
            return null;
        }

        try
        {
            return X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(PublicValue));
        }
        catch (CryptographicException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether <paramref name="signature"/> is a valid signature over <paramref name="data"/> by this key with
    /// Notary's <paramref name="method"/> (<c>ecdsa</c>: raw r||s over SHA-256; <c>eddsa</c>; <c>rsapss</c>: PSS
    /// SHA-256, salt the digest's length; <c>rsapkcs1v15</c>: PKCS#1 v1.5 SHA-256). Never throws for bad input.
    /// </summary>
    /// <param name="method">The signature's <c>method</c>.</param>
    /// <param name="data">The canonical signed bytes.</param>
    /// <param name="signature">The decoded signature.</param>
    /// <returns>Whether it verifies.</returns>
    public bool Verify(string method, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        var verifier = _verifier.Value;
        if (verifier is null)
        {
            return false;
        }

        try
        {
            return (method, verifier) switch
            {
                ("ecdsa", { Ecdsa: { } ec }) => signature.Length == 2 * ((ec.KeySize + 7) / 8)
                    && ec.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
                ("eddsa", { Ed25519: { } ed }) => Ed25519.Verify(ed, data, signature),
                ("rsapss", { Rsa: { } rsa }) => rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
                ("rsapkcs1v15", { Rsa: { } rsa }) => rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                _ => false,
            };
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>
    /// An identity of the physical key (so that one key listed as a certificate and as a bare key counts once toward
    /// a threshold): the SubjectPublicKeyInfo, or the raw Ed25519 key.
    /// </summary>
    internal string? PhysicalIdentity => _verifier.Value?.Identity;

    private Verifier? CreateVerifier()
    {
        try
        {
            switch (KeyType)
            {
                case "ed25519":
                    return Ed25519.TryImportPublicKey(PublicValue) is { } ed ? new Verifier("ed25519:" + Convert.ToHexStringLower(PublicValue), Ed25519: ed) : null;
                case "ecdsa":
                {
                    var ec = ECDsa.Create();
                    ec.ImportSubjectPublicKeyInfo(PublicValue, out int read);
                    return read == PublicValue.Length ? new Verifier(Spki(ec.ExportSubjectPublicKeyInfo()), Ecdsa: ec) : null;
                }

                case "rsa":
                {
                    var rsa = RSA.Create();
                    rsa.ImportSubjectPublicKeyInfo(PublicValue, out int read);
                    return read == PublicValue.Length && rsa.KeySize >= 2048 ? new Verifier(Spki(rsa.ExportSubjectPublicKeyInfo()), Rsa: rsa) : null;
                }

                case "ecdsa-x509":
                {
                    using var cert = TryGetCertificate();
                    return cert?.GetECDsaPublicKey() is { } ec ? new Verifier(Spki(ec.ExportSubjectPublicKeyInfo()), Ecdsa: ec) : null;
                }

                case "rsa-x509":
                {
                    using var cert = TryGetCertificate();
                    return cert?.GetRSAPublicKey() is { KeySize: >= 2048 } rsa ? new Verifier(Spki(rsa.ExportSubjectPublicKeyInfo()), Rsa: rsa) : null;
                }

                default:
                    return null;
            }
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static string Spki(byte[] der) => "spki:" + Convert.ToHexStringLower(der);

    private sealed record Verifier(string Identity, ECDsa? Ecdsa = null, RSA? Rsa = null, NSec.Cryptography.PublicKey? Ed25519 = null);
}
