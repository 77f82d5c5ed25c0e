using System.Numerics;
using System.Security.Cryptography;

namespace Tuf;

/// <summary>
/// <c>rsassa-pss-sha256</c> (and the -sha384/-sha512 variants securesystemslib defines): key type <c>rsa</c>, PEM
/// SubjectPublicKeyInfo, RSASSA-PSS with MGF1 over the same hash and <b>any</b> salt length.
/// </summary>
/// <remarks>
/// securesystemslib verifies with <c>PSS.AUTO</c> and go-tuf with <c>PSSSaltLengthAuto</c>: signers have used the
/// digest length and the maximum salt length. .NET's <see cref="RSASignaturePadding.Pss"/> only accepts a salt as long
/// as the digest (and is faster: it stays the first check), so a signature it rejects gets a second check through
/// BouncyCastle with the salt length the signature carries (see <see cref="PssAnySaltLength"/>).
/// </remarks>
internal sealed class RsaPssScheme : ISignatureScheme
{
    /// <summary><c>rsassa-pss-sha256</c>.</summary>
    public static readonly HashInfo Sha256 = new("rsassa-pss-sha256", HashAlgorithmName.SHA256);

    /// <summary><c>rsassa-pss-sha384</c>.</summary>
    public static readonly HashInfo Sha384 = new("rsassa-pss-sha384", HashAlgorithmName.SHA384);

    /// <summary><c>rsassa-pss-sha512</c>.</summary>
    public static readonly HashInfo Sha512 = new("rsassa-pss-sha512", HashAlgorithmName.SHA512);

    /// <summary>The key type.</summary>
    public const string KeyTypeName = "rsa";

    // 1024-bit keys appear in go-tuf's test data; anything smaller is trivially factorable, anything larger than
    // 16384 bits would let a hostile key make verification arbitrarily slow.
    private const int MinModulusBits = 1024;
    private const int MaxModulusBits = 16384;
    private const int MaxExponentBytes = 8;

    private readonly HashInfo _hash;

    /// <summary>Creates the scheme for one hash.</summary>
    public RsaPssScheme(HashInfo hash) => _hash = hash;

    /// <inheritdoc />
    public string Name => _hash.SchemeName;

    /// <inheritdoc />
    public PublicKeyVerifier? TryParse(string keyType, string publicValue)
    {
        if (keyType != KeyTypeName || !PemKeys.TryDecodeSingle(publicValue, "PUBLIC KEY", out var der))
        {
            return null;
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportSubjectPublicKeyInfo(der, out int read);
            var p = rsa.ExportParameters(false);
            if (read != der.Length || p.Modulus is null || p.Exponent is null || p.Exponent.Length > MaxExponentBytes)
            {
                rsa.Dispose();
                return null;
            }

            var n = new BigInteger(p.Modulus, isUnsigned: true, isBigEndian: true);
            var e = new BigInteger(p.Exponent, isUnsigned: true, isBigEndian: true);
            long bits = n.GetBitLength();
            if (bits < MinModulusBits || bits > MaxModulusBits || e < 3 || e.IsEven)
            {
                rsa.Dispose();
                return null;
            }

            var identity = "rsa:" + Convert.ToHexStringLower(rsa.ExportSubjectPublicKeyInfo());
            return new Verifier(rsa, new PssAnySaltLength(p.Modulus, p.Exponent, (int)bits, _hash.Hash), (int)bits, _hash.Hash, identity);
        }
        catch (CryptographicException)
        {
            rsa.Dispose();
            return null;
        }
    }

    /// <summary>One hash's parameters.</summary>
    internal sealed record HashInfo(string SchemeName, HashAlgorithmName Hash);

    private sealed class Verifier(RSA rsa, PssAnySaltLength anySalt, int modulusBits, HashAlgorithmName hash, string identity)
        : PublicKeyVerifier(identity)
    {
        private readonly int _modulusBytes = (modulusBits + 7) / 8;

        public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
        {
            if (signature.Length != _modulusBytes)
            {
                return false;
            }

            try
            {
                lock (rsa)
                {
                    // Fast path: salt length = digest length (what python-tuf, go-tuf and this library sign with).
                    if (rsa.VerifyData(data, signature, hash, RSASignaturePadding.Pss))
                    {
                        return true;
                    }
                }
            }
            catch (CryptographicException)
            {
                // Fall through to the general check.
            }

            return anySalt.Verify(data, signature);
        }
    }
}
