using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace Tuf;

/// <summary>
/// TAP 21's ML-DSA schemes (FIPS 204, pure ML-DSA through BouncyCastle): key type <c>ml-dsa</c>, schemes
/// <c>ml-dsa-44/1</c>, <c>ml-dsa-65/1</c>, <c>ml-dsa-87/1</c>, <c>keyval.public</c> a PEM SubjectPublicKeyInfo
/// (RFC 9881), signatures hex.
/// </summary>
/// <remarks>
/// Version 1 of a scheme signs the 68 bytes <c>0x74 0x75 0x66 0x01 || SHA-512(canonical JSON)</c> ("tuf", the
/// version, the digest) with pure ML-DSA and an empty context. Verification rebuilds those bytes itself from the
/// scheme the trusted metadata names; a key whose parameter set is not the scheme's is not a key of the scheme, a
/// HashML-DSA key or signature never verifies (pure ML-DSA domain-separates them), and no other version or
/// interpretation is tried.
/// </remarks>
internal sealed class MLDsaScheme : ISignatureScheme
{
    /// <summary>The key type of every ML-DSA key.</summary>
    public const string KeyTypeName = "ml-dsa";

    /// <summary><c>ml-dsa-44/1</c>.</summary>
    public static readonly MLDsaScheme MLDsa44 = new("ml-dsa-44/1", MLDsaParameters.ml_dsa_44, 2420);

    /// <summary><c>ml-dsa-65/1</c>.</summary>
    public static readonly MLDsaScheme MLDsa65 = new("ml-dsa-65/1", MLDsaParameters.ml_dsa_65, 3309);

    /// <summary><c>ml-dsa-87/1</c>.</summary>
    public static readonly MLDsaScheme MLDsa87 = new("ml-dsa-87/1", MLDsaParameters.ml_dsa_87, 4627);

    /// <summary>The version byte of the signed message this implementation produces and accepts.</summary>
    public const byte Version = 1;

    private MLDsaScheme(string name, MLDsaParameters parameters, int signatureLength)
    {
        Name = name;
        Parameters = parameters;
        SignatureLength = signatureLength;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The FIPS 204 parameter set.</summary>
    public MLDsaParameters Parameters { get; }

    /// <summary>The signature length in bytes.</summary>
    public int SignatureLength { get; }

    /// <summary>All three schemes.</summary>
    public static IReadOnlyList<MLDsaScheme> All { get; } = [MLDsa44, MLDsa65, MLDsa87];

    /// <summary>The scheme for a parameter set, or null.</summary>
    public static MLDsaScheme? For(MLDsaParameters parameters) => All.FirstOrDefault(s => s.Parameters == parameters);

    /// <summary>The message version 1 signs for <paramref name="data"/>: <c>"tuf" || 0x01 || SHA-512(data)</c>.</summary>
    public static byte[] SignedMessage(ReadOnlySpan<byte> data)
    {
        var message = new byte[4 + 64];
        "tuf"u8.CopyTo(message);
        message[3] = Version;
        SHA512.HashData(data, message.AsSpan(4));
        return message;
    }

    /// <inheritdoc />
    public PublicKeyVerifier? TryParse(string keyType, string publicValue)
    {
        if (keyType != KeyTypeName || !PemKeys.TryDecodeSingle(publicValue, "PUBLIC KEY", out var der))
        {
            return null;
        }

        MLDsaPublicKeyParameters? key;
        try
        {
            key = PublicKeyFactory.CreateKey(der) as MLDsaPublicKeyParameters;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException or FormatException or SecurityUtilityException
            or Org.BouncyCastle.Asn1.Asn1Exception or InvalidCastException)
        {
            return null;
        }

        // A key of another parameter set (or a HashML-DSA key) is not a key of this scheme.
        return key is not null && key.Parameters == Parameters
            ? new Verifier(key, SignatureLength, "ml-dsa:" + Convert.ToHexStringLower(der))
            : null;
    }

    private sealed class Verifier(MLDsaPublicKeyParameters key, int signatureLength, string identity) : PublicKeyVerifier(identity)
    {
        public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
        {
            if (signature.Length != signatureLength)
            {
                return false;
            }

            var message = SignedMessage(data);
            var signer = new MLDsaSigner(key.Parameters, deterministic: false);
            signer.Init(false, key); // pure ML-DSA, empty context
            signer.BlockUpdate(message, 0, message.Length);
            return signer.VerifySignature(signature.ToArray());
        }
    }
}
