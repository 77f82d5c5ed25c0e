using System.Security.Cryptography;

namespace Tuf;

/// <summary>
/// <c>ecdsa-sha2-nistp256</c> / <c>ecdsa-sha2-nistp384</c>: key type <c>ecdsa</c> or the scheme name itself (older
/// tuf-on-ci and Sigstore roots); the public value is PEM SubjectPublicKeyInfo or a hex SEC1 uncompressed point
/// (<c>04||X||Y</c>); signatures are DER (RFC 3279) over SHA-256 / SHA-384 of the data.
/// </summary>
internal sealed class EcdsaScheme : ISignatureScheme
{
    /// <summary>The parameters of <c>ecdsa-sha2-nistp256</c>.</summary>
    public static readonly CurveInfo P256 = new("ecdsa-sha2-nistp256", ECCurve.NamedCurves.nistP256, "1.2.840.10045.3.1.7", HashAlgorithmName.SHA256, 32);

    /// <summary>The parameters of <c>ecdsa-sha2-nistp384</c>.</summary>
    public static readonly CurveInfo P384 = new("ecdsa-sha2-nistp384", ECCurve.NamedCurves.nistP384, "1.3.132.0.34", HashAlgorithmName.SHA384, 48);

    /// <summary>The generic key type tuf-on-ci and securesystemslib use today.</summary>
    public const string GenericKeyType = "ecdsa";

    private readonly CurveInfo _curve;

    /// <summary>Creates the scheme for one curve.</summary>
    public EcdsaScheme(CurveInfo curve) => _curve = curve;

    /// <inheritdoc />
    public string Name => _curve.SchemeName;

    /// <inheritdoc />
    public PublicKeyVerifier? TryParse(string keyType, string publicValue)
    {
        if (keyType != GenericKeyType && keyType != _curve.SchemeName)
        {
            return null;
        }

        var ecdsa = publicValue.Contains("-----BEGIN", StringComparison.Ordinal)
            ? ImportPem(publicValue)
            : ImportHexPoint(publicValue);
        if (ecdsa is null)
        {
            return null;
        }

        try
        {
            var p = ecdsa.ExportParameters(false);
            if (p.Curve.Oid?.Value != _curve.Oid || p.Q.X is null || p.Q.Y is null
                || p.Q.X.Length != _curve.FieldBytes || p.Q.Y.Length != _curve.FieldBytes)
            {
                ecdsa.Dispose();
                return null;
            }

            var identity = "ec:" + _curve.Oid + ":" + Convert.ToHexStringLower(p.Q.X) + Convert.ToHexStringLower(p.Q.Y);
            return new Verifier(ecdsa, _curve.Hash, identity);
        }
        catch (CryptographicException)
        {
            ecdsa.Dispose();
            return null;
        }
    }

    private static ECDsa? ImportPem(string pem)
    {
        if (!PemKeys.TryDecodeSingle(pem, "PUBLIC KEY", out var der))
        {
            return null;
        }

        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportSubjectPublicKeyInfo(der, out int read);
            if (read == der.Length)
            {
                return ecdsa;
            }
        }
        catch (CryptographicException)
        {
        }

        ecdsa.Dispose();
        return null;
    }

    private ECDsa? ImportHexPoint(string hex)
    {
        // SEC1 uncompressed point: 0x04 || X || Y. Compressed points are not used by TUF implementations.
        if (hex.Length != 2 + (4 * _curve.FieldBytes) || !Hex.TryDecode(hex, out var point) || point[0] != 0x04)
        {
            return null;
        }

        var parameters = new ECParameters
        {
            Curve = _curve.Curve,
            Q = new ECPoint { X = point[1..(1 + _curve.FieldBytes)], Y = point[(1 + _curve.FieldBytes)..] },
        };

        var ecdsa = ECDsa.Create();
        try
        {
            // Import validates that the point is on the curve.
            ecdsa.ImportParameters(parameters);
            return ecdsa;
        }
        catch (CryptographicException)
        {
            ecdsa.Dispose();
            return null;
        }
    }

    /// <summary>One curve's parameters.</summary>
    internal sealed record CurveInfo(string SchemeName, ECCurve Curve, string Oid, HashAlgorithmName Hash, int FieldBytes);

    private sealed class Verifier(ECDsa ecdsa, HashAlgorithmName hash, string identity) : PublicKeyVerifier(identity)
    {
        public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
        {
            if (signature.IsEmpty)
            {
                return false;
            }

            try
            {
                // Instances of the platform crypto types are not documented as thread-safe; verification is short.
                lock (ecdsa)
                {
                    return ecdsa.VerifyData(data, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
                }
            }
            catch (CryptographicException)
            {
                return false;
            }
        }
    }
}
