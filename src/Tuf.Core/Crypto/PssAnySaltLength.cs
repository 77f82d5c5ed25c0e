using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Tuf;

/// <summary>
/// RSASSA-PSS verification for any salt length (securesystemslib's <c>PSS.AUTO</c>, go-tuf's
/// <c>PSSSaltLengthAuto</c>) through BouncyCastle: its RSA engine opens the signature (public values only), the salt
/// length is read from the encoded message (RFC 8017 §9.1.2 steps 7-10, with BouncyCastle's MGF1), and its
/// <see cref="PssSigner"/> then verifies the signature with that salt length.
/// </summary>
internal sealed class PssAnySaltLength
{
    private readonly RsaKeyParameters _key;
    private readonly HashAlgorithmName _hash;
    private readonly int _modulusBits;

    public PssAnySaltLength(ReadOnlySpan<byte> modulus, ReadOnlySpan<byte> exponent, int modulusBits, HashAlgorithmName hash)
    {
        _key = new RsaKeyParameters(false, new BcBigInteger(1, modulus.ToArray()), new BcBigInteger(1, exponent.ToArray()));
        _hash = hash;
        _modulusBits = modulusBits;
    }

    /// <summary>Whether <paramref name="signature"/> is a PSS signature of <paramref name="data"/> with MGF1 over the same hash and any salt length.</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (SaltLength(signature) is not { } saltLength)
        {
            return false;
        }

        var signer = new PssSigner(new RsaEngine(), NewDigest(), saltLength);
        signer.Init(false, _key);
        signer.BlockUpdate(data);
        return signer.VerifySignature(signature.ToArray());
    }

    /// <summary>The salt length the encoded message inside <paramref name="signature"/> carries, or null when it is not a PSS encoding.</summary>
    private int? SaltLength(ReadOnlySpan<byte> signature)
    {
        var engine = new RsaEngine();
        engine.Init(false, _key);
        byte[] opened;
        try
        {
            opened = engine.ProcessBlock(signature.ToArray(), 0, signature.Length);
        }
        catch (DataLengthException)
        {
            return null;
        }

        int emBits = _modulusBits - 1;
        int emLength = (emBits + 7) / 8;
        var digest = NewDigest();
        int hashLength = digest.GetDigestSize();
        if (opened.Length > emLength || emLength < hashLength + 2)
        {
            return null;
        }

        var em = new byte[emLength];
        opened.CopyTo(em, emLength - opened.Length);
        if (em[^1] != 0xBC)
        {
            return null;
        }

        int dbLength = emLength - hashLength - 1;
        var mask = new byte[dbLength];
        var mgf = new Mgf1BytesGenerator(digest);
        mgf.Init(new MgfParameters(em, dbLength, hashLength));
        mgf.GenerateBytes(mask, 0, dbLength);
        for (int i = 0; i < dbLength; i++)
        {
            mask[i] ^= em[i];
        }

        mask[0] &= (byte)(0xFF >> ((8 * emLength) - emBits));
        int separator = Array.FindIndex(mask, b => b != 0);
        return separator >= 0 && mask[separator] == 0x01 ? dbLength - separator - 1 : null;
    }

    private IDigest NewDigest() => _hash.Name switch
    {
        "SHA256" => new Sha256Digest(),
        "SHA384" => new Sha384Digest(),
        "SHA512" => new Sha512Digest(),
        _ => throw new ArgumentException("unsupported hash " + _hash.Name),
    };
}
