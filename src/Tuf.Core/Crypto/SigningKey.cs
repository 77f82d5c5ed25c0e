using System.Formats.Asn1;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Tuf.Internal;

namespace Tuf;

/// <summary>
/// A private key that signs TUF metadata: <c>ml-dsa-44/1</c>, <c>-65/1</c>, <c>-87/1</c> (TAP 21, BouncyCastle), <c>ed25519</c> (NSec), <c>ecdsa-sha2-nistp256</c>/<c>-nistp384</c>
/// (DER signatures) or <c>rsassa-pss-sha256</c> (salt length = digest length, as securesystemslib and go-tuf sign).
/// Private material is zeroed or released on <see cref="Dispose"/>.
/// </summary>
public sealed class SigningKey : IDisposable
{
    /// <summary>DER prefix of an Ed25519 PKCS#8 v1 PrivateKeyInfo (RFC 8410): version 0, OID 1.3.101.112, OCTET STRING { OCTET STRING (32) }.</summary>
    private static ReadOnlySpan<byte> Ed25519Pkcs8Prefix =>
        [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

    private const string Ed25519Oid = "1.3.101.112";
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const string RsaEncryptionOid = "1.2.840.113549.1.1.1";
    private const string MLDsaOidPrefix = "2.16.840.1.101.3.4.3.";

    private readonly NSec.Cryptography.Key? _ed25519; // in NSec's secure memory
    private readonly ECDsa? _ecdsa;
    private readonly RSA? _rsa;
    private readonly MLDsaPrivateKeyParameters? _mlDsa;
    private readonly HashAlgorithmName _hash;
    private readonly string _publicValue;
    private string? _keyId;
    private bool _disposed;

    private SigningKey(string keyType, string scheme, string publicValue, NSec.Cryptography.Key? ed25519, ECDsa? ecdsa, RSA? rsa, HashAlgorithmName hash, MLDsaPrivateKeyParameters? mlDsa = null)
    {
        _mlDsa = mlDsa;
        KeyType = keyType;
        Scheme = scheme;
        _publicValue = publicValue;
        _ed25519 = ed25519;
        _ecdsa = ecdsa;
        _rsa = rsa;
        _hash = hash;
    }

    /// <summary>The TUF key type (<c>ed25519</c>, <c>ecdsa</c>, <c>rsa</c>).</summary>
    public string KeyType { get; }

    /// <summary>The TUF signature scheme.</summary>
    public string Scheme { get; }

    /// <summary>The public key as TUF metadata lists it (a new instance on each call, since <see cref="Key"/> is mutable).</summary>
    public Key PublicKey => new() { KeyType = KeyType, Scheme = Scheme, Public = _publicValue };

    /// <summary>The key ID of <see cref="PublicKey"/>.</summary>
    public string KeyId => _keyId ??= PublicKey.ComputeKeyId();

    /// <summary>Generates a random Ed25519 key.</summary>
    public static SigningKey GenerateEd25519()
    {
        Span<byte> seed = stackalloc byte[Ed25519.SeedBytes];
        RandomNumberGenerator.Fill(seed);
        try
        {
            return GenerateEd25519FromSeed(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>Derives an Ed25519 key from a 32-byte seed (deterministic; for tests and for imported keys).</summary>
    public static SigningKey GenerateEd25519FromSeed(ReadOnlySpan<byte> seed)
    {
        var key = Ed25519.FromSeed(seed);
        return new SigningKey(Ed25519Scheme.SchemeName, Ed25519Scheme.SchemeName, Convert.ToHexStringLower(Ed25519.PublicKeyOf(key)), key, null, null, default);
    }

    /// <summary>Generates a random ECDSA P-256 key (key type <c>ecdsa</c>, scheme <c>ecdsa-sha2-nistp256</c>).</summary>
    public static SigningKey GenerateEcdsaP256() => FromEcdsa(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Generates a random ECDSA P-384 key (key type <c>ecdsa</c>, scheme <c>ecdsa-sha2-nistp384</c>).</summary>
    public static SigningKey GenerateEcdsaP384() => FromEcdsa(ECDsa.Create(ECCurve.NamedCurves.nistP384));

    /// <summary>Generates a random ML-DSA key (key type <c>ml-dsa</c>) for <paramref name="scheme"/> (<c>ml-dsa-44/1</c>, <c>ml-dsa-65/1</c> or <c>ml-dsa-87/1</c>).</summary>
    /// <exception cref="ArgumentException">Not an ML-DSA scheme.</exception>
    public static SigningKey GenerateMLDsa(string scheme)
    {
        var generator = new MLDsaKeyPairGenerator();
        generator.Init(new MLDsaKeyGenerationParameters(new SecureRandom(), MLDsaSchemeNamed(scheme).Parameters));
        return FromMLDsa((MLDsaPrivateKeyParameters)generator.GenerateKeyPair().Private);
    }

    /// <summary>The ML-DSA key FIPS 204's KeyGen derives from the 32-byte seed ξ (deterministic; for test vectors).</summary>
    public static SigningKey FromMLDsaSeed(string scheme, ReadOnlySpan<byte> seed) =>
        FromMLDsa(MLDsaPrivateKeyParameters.FromSeed(MLDsaSchemeNamed(scheme).Parameters, seed.ToArray()));

    /// <summary>Generates a random RSA-3072 key (key type <c>rsa</c>, scheme <c>rsassa-pss-sha256</c>).</summary>
    public static SigningKey GenerateRsa3072() => FromRsa(RSA.Create(3072));

    /// <summary>An ECDSA key from its private scalar (deterministic; for test vectors).</summary>
    /// <param name="curve">nistP256 or nistP384.</param>
    /// <param name="privateScalar">The big-endian private scalar d, as long as the curve's field.</param>
    public static SigningKey FromEcdsaPrivateScalar(ECCurve curve, ReadOnlySpan<byte> privateScalar)
    {
        var d = privateScalar.ToArray();
        try
        {
            var ecdsa = ECDsa.Create();
            try
            {
                // The public point is derived from d on import.
                ecdsa.ImportParameters(new ECParameters { Curve = curve, D = d });
            }
            catch (CryptographicException e)
            {
                ecdsa.Dispose();
                throw new ArgumentException("Not a valid private scalar for this curve", nameof(privateScalar), e);
            }

            return FromEcdsa(ecdsa);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(d);
        }
    }

    /// <summary>
    /// Imports a private key from PEM: PKCS#8 <c>PRIVATE KEY</c> (Ed25519 as securesystemslib writes it, EC P-256/P-384,
    /// RSA), and also the traditional <c>EC PRIVATE KEY</c> and <c>RSA PRIVATE KEY</c> forms (go-tuf's test keys).
    /// </summary>
    /// <exception cref="ArgumentException">The text is not one of those forms, or the key is of an unsupported type.</exception>
    public static SigningKey FromPkcs8Pem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new ArgumentException("No PEM block found in the private key text", nameof(pem));
        }

        var label = pem.AsSpan()[fields.Label].ToString();
        switch (label)
        {
            case "PRIVATE KEY":
                var der = new byte[fields.DecodedDataLength];
                try
                {
                    if (!Convert.TryFromBase64Chars(pem.AsSpan()[fields.Base64Data], der, out int written) || written != der.Length)
                    {
                        throw new ArgumentException("The PEM private key is not valid base64", nameof(pem));
                    }

                    return FromPkcs8(der);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(der);
                }

            case "EC PRIVATE KEY":
                var ecdsa = ECDsa.Create();
                ImportOrThrow(ecdsa, () => ecdsa.ImportFromPem(pem));
                return FromEcdsa(ecdsa);

            case "RSA PRIVATE KEY":
                var rsa = RSA.Create();
                ImportOrThrow(rsa, () => rsa.ImportFromPem(pem));
                return FromRsa(rsa);

            case "ENCRYPTED PRIVATE KEY":
                throw new ArgumentException("The private key is encrypted; decrypt it first", nameof(pem));

            default:
                throw new ArgumentException($"Unsupported PEM block '{ErrorText.Untrusted(label)}' (expected PRIVATE KEY)", nameof(pem));
        }
    }

    /// <summary>Imports a DER PKCS#8 PrivateKeyInfo (Ed25519, EC P-256/P-384 or RSA).</summary>
    /// <exception cref="ArgumentException">Malformed or unsupported.</exception>
    public static SigningKey FromPkcs8(ReadOnlySpan<byte> der)
    {
        string oid;
        byte[]? privateKey = null;
        try
        {
            var reader = new AsnReader(der.ToArray(), AsnEncodingRules.BER);
            var info = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            _ = info.ReadInteger();
            var algorithm = info.ReadSequence();
            oid = algorithm.ReadObjectIdentifier();
            if (oid == Ed25519Oid)
            {
                if (algorithm.HasData)
                {
                    throw new ArgumentException("Ed25519 PKCS#8 must not have algorithm parameters", nameof(der));
                }

                privateKey = info.ReadOctetString();
                var inner = new AsnReader(privateKey, AsnEncodingRules.BER);
                var seed = inner.ReadOctetString();
                try
                {
                    inner.ThrowIfNotEmpty();
                    return GenerateEd25519FromSeed(seed);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(seed);
                }
            }
        }
        catch (AsnContentException e)
        {
            throw new ArgumentException("Malformed PKCS#8 private key", nameof(der), e);
        }
        finally
        {
            if (privateKey is not null)
            {
                CryptographicOperations.ZeroMemory(privateKey);
            }
        }

        var bytes = der.ToArray();
        try
        {
            if (oid.StartsWith(MLDsaOidPrefix, StringComparison.Ordinal))
            {
                MLDsaPrivateKeyParameters? mlDsa;
                try
                {
                    mlDsa = PrivateKeyFactory.CreateKey(bytes) as MLDsaPrivateKeyParameters;
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or Org.BouncyCastle.Asn1.Asn1Exception or SecurityUtilityException)
                {
                    throw new ArgumentException("Malformed ML-DSA private key", nameof(der), e);
                }

                return mlDsa is not null && MLDsaScheme.For(mlDsa.Parameters) is not null
                    ? FromMLDsa(mlDsa)
                    : throw new ArgumentException($"Unsupported ML-DSA private key {ErrorText.Untrusted(oid)} (pure ML-DSA-44, -65 or -87 only)", nameof(der));
            }

            switch (oid)
            {
                case EcPublicKeyOid:
                    var ecdsa = ECDsa.Create();
                    ImportOrThrow(ecdsa, () => ecdsa.ImportPkcs8PrivateKey(bytes, out _));
                    return FromEcdsa(ecdsa);
                case RsaEncryptionOid:
                    var rsa = RSA.Create();
                    ImportOrThrow(rsa, () => rsa.ImportPkcs8PrivateKey(bytes, out _));
                    return FromRsa(rsa);
                default:
                    throw new ArgumentException($"Unsupported private key algorithm {ErrorText.Untrusted(oid)}", nameof(der));
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>The private key as DER PKCS#8 PrivateKeyInfo (unencrypted: protect it).</summary>
    public byte[] ExportPkcs8()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_ed25519 is not null)
        {
            var der = new byte[Ed25519Pkcs8Prefix.Length + Ed25519.SeedBytes];
            Ed25519Pkcs8Prefix.CopyTo(der);
            Ed25519.ExportSeed(_ed25519, der.AsSpan(Ed25519Pkcs8Prefix.Length));
            return der;
        }

        if (_mlDsa is not null)
        {
            return PrivateKeyInfoFactory.CreatePrivateKeyInfo(_mlDsa).GetEncoded();
        }

        return _ecdsa is not null ? _ecdsa.ExportPkcs8PrivateKey() : _rsa!.ExportPkcs8PrivateKey();
    }

    /// <summary>The private key as PEM <c>PRIVATE KEY</c> (unencrypted: protect it).</summary>
    public string ExportPkcs8Pem()
    {
        var der = ExportPkcs8();
        try
        {
            return PemEncoding.WriteString("PRIVATE KEY", der) + "\n";
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    /// <summary>Signs <paramref name="data"/> (for metadata: the canonical bytes of <c>signed</c>).</summary>
    /// <returns>The raw signature (hex-encode it for a <see cref="Signature"/>).</returns>
    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_ed25519 is not null)
        {
            return Ed25519.Sign(_ed25519, data);
        }

        if (_ecdsa is not null)
        {
            return _ecdsa.SignData(data, _hash, DSASignatureFormat.Rfc3279DerSequence);
        }

        if (_mlDsa is not null)
        {
            // TAP 21 version 1: pure ML-DSA (hedged), empty context, over "tuf" || 0x01 || SHA-512(data).
            var message = MLDsaScheme.SignedMessage(data);
            var signer = new MLDsaSigner(_mlDsa.Parameters, deterministic: false);
            signer.Init(true, new ParametersWithRandom(_mlDsa, new SecureRandom()));
            signer.BlockUpdate(message, 0, message.Length);
            return signer.GenerateSignature();
        }

        return _rsa!.SignData(data, _hash, RSASignaturePadding.Pss);
    }

    /// <summary>Zeroes the Ed25519 secret or releases the platform key.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _ed25519?.Dispose();

        _ecdsa?.Dispose();
        _rsa?.Dispose();
    }

    private static SigningKey FromEcdsa(ECDsa ecdsa)
    {
        string? oid;
        try
        {
            oid = ecdsa.ExportParameters(false).Curve.Oid?.Value;
        }
        catch (CryptographicException e)
        {
            ecdsa.Dispose();
            throw new ArgumentException("Unusable EC key", nameof(ecdsa), e);
        }

        EcdsaScheme.CurveInfo curve;
        if (oid == EcdsaScheme.P256.Oid)
        {
            curve = EcdsaScheme.P256;
        }
        else if (oid == EcdsaScheme.P384.Oid)
        {
            curve = EcdsaScheme.P384;
        }
        else
        {
            ecdsa.Dispose();
            throw new ArgumentException("Unsupported EC curve (expected P-256 or P-384)", nameof(ecdsa));
        }

        var pem = PemEncoding.WriteString("PUBLIC KEY", ecdsa.ExportSubjectPublicKeyInfo()) + "\n";
        return new SigningKey(EcdsaScheme.GenericKeyType, curve.SchemeName, pem, null, ecdsa, null, curve.Hash);
    }

    private static MLDsaScheme MLDsaSchemeNamed(string scheme) =>
        MLDsaScheme.All.FirstOrDefault(s => s.Name == scheme) ?? throw new ArgumentException($"'{scheme}' is not an ML-DSA scheme (ml-dsa-44/1, ml-dsa-65/1, ml-dsa-87/1)", nameof(scheme));

    private static SigningKey FromMLDsa(MLDsaPrivateKeyParameters key)
    {
        var scheme = MLDsaScheme.For(key.Parameters) ?? throw new ArgumentException("Unsupported ML-DSA parameter set", nameof(key));
        var spki = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(key.GetPublicKey()).GetEncoded();
        var pem = PemEncoding.WriteString("PUBLIC KEY", spki) + "\n";
        return new SigningKey(MLDsaScheme.KeyTypeName, scheme.Name, pem, null, null, null, default, key);
    }

    private static SigningKey FromRsa(RSA rsa)
    {
        if (rsa.KeySize < 1024)
        {
            rsa.Dispose();
            throw new ArgumentException("RSA keys must have at least 1024 bits", nameof(rsa));
        }

        var pem = PemEncoding.WriteString("PUBLIC KEY", rsa.ExportSubjectPublicKeyInfo()) + "\n";
        return new SigningKey(RsaPssScheme.KeyTypeName, RsaPssScheme.Sha256.SchemeName, pem, null, null, rsa, HashAlgorithmName.SHA256);
    }

    private static void ImportOrThrow(AsymmetricAlgorithm algorithm, Action import)
    {
        try
        {
            import();
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            algorithm.Dispose();
            throw new ArgumentException("Malformed or unsupported private key", e);
        }
    }
}
