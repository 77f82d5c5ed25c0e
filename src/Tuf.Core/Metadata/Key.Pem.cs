using System.Security.Cryptography;

namespace Tuf;

public sealed partial class Key
{
    // DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): SEQUENCE { SEQUENCE { OID 1.3.101.112 } BIT STRING (32 bytes) }.
    private static ReadOnlySpan<byte> Ed25519SpkiPrefix => [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

    /// <summary>
    /// Reads a PEM SubjectPublicKeyInfo (<c>-----BEGIN PUBLIC KEY-----</c>) as the key TUF metadata would list, with the
    /// scheme this library signs with for its type: Ed25519 (hex, <c>ed25519</c>), ML-DSA-44/65/87 (<c>ml-dsa-NN/1</c>),
    /// ECDSA P-256 (<c>ecdsa-sha2-nistp256</c>) or RSA of at least 2048 bits (<c>rsassa-pss-sha256</c>), the PEM
    /// values re-encoded canonically.
    /// </summary>
    /// <param name="pem">The PEM text.</param>
    /// <returns>The public key.</returns>
    /// <exception cref="FormatException">Not a PEM public key, or one of an unsupported type or size.</exception>
    public static Key FromPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!PemEncoding.TryFind(pem, out var fields) || pem[fields.Label] is not "PUBLIC KEY")
        {
            throw new FormatException("not a TUF key JSON file or a PEM public key");
        }

        byte[] der = Convert.FromBase64String(pem[fields.Base64Data].ToString());
        if (der.Length == Ed25519SpkiPrefix.Length + 32 && der.AsSpan().StartsWith(Ed25519SpkiPrefix))
        {
            return new Key { KeyType = "ed25519", Scheme = "ed25519", Public = Convert.ToHexStringLower(der.AsSpan(Ed25519SpkiPrefix.Length)) };
        }

        string canonicalPem = PemEncoding.WriteString("PUBLIC KEY", der) + "\n";
        foreach (var mlDsa in MLDsaScheme.All)
        {
            if (mlDsa.TryParse(MLDsaScheme.KeyTypeName, canonicalPem) is not null)
            {
                return new Key { KeyType = MLDsaScheme.KeyTypeName, Scheme = mlDsa.Name, Public = canonicalPem };
            }
        }

        try
        {
            using var ec = ECDsa.Create();
            ec.ImportSubjectPublicKeyInfo(der, out _);
            return ec.KeySize == 256
                ? new Key { KeyType = "ecdsa", Scheme = "ecdsa-sha2-nistp256", Public = PemEncoding.WriteString("PUBLIC KEY", ec.ExportSubjectPublicKeyInfo()) + "\n" }
                : throw new FormatException("only P-256 ECDSA keys are supported");
        }
        catch (CryptographicException)
        {
            // Not an EC key; try RSA.
        }

        try
        {
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(der, out _);
            return rsa.KeySize >= 2048
                ? new Key { KeyType = "rsa", Scheme = "rsassa-pss-sha256", Public = PemEncoding.WriteString("PUBLIC KEY", rsa.ExportSubjectPublicKeyInfo()) + "\n" }
                : throw new FormatException("RSA keys must be at least 2048 bits");
        }
        catch (CryptographicException ex)
        {
            throw new FormatException("unsupported public key type", ex);
        }
    }

    /// <summary>
    /// The key as a PEM SubjectPublicKeyInfo: Ed25519 keys from their hex value, PEM values as they are, and the
    /// legacy hex SEC1 point of an <c>ecdsa-sha2-nistp256</c> key re-encoded.
    /// </summary>
    /// <returns>The PEM text, ending in a newline.</returns>
    /// <exception cref="FormatException">The key's value has no PEM form (an unknown type or a malformed value).</exception>
    public string ToPem()
    {
        if (KeyType == "ed25519")
        {
            byte[] raw = Convert.FromHexString(Public);
            return PemEncoding.WriteString("PUBLIC KEY", [.. Ed25519SpkiPrefix, .. raw]) + "\n";
        }

        if (Public.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            return Public.EndsWith('\n') ? Public : Public + "\n";
        }

        if (Public.Length == 130 && Public.StartsWith("04", StringComparison.Ordinal))
        {
            // Legacy hex SEC1 point of an ecdsa-sha2-nistp256 key.
            byte[] point = Convert.FromHexString(Public);
            using var ec = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = point[1..33], Y = point[33..] },
            });
            return ec.ExportSubjectPublicKeyInfoPem() + "\n";
        }

        throw new FormatException($"cannot export a {KeyType} key as PEM");
    }
}
