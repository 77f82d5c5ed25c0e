using System.Numerics;
using System.Security.Cryptography;

namespace Tuf;

/// <summary>
/// RSASSA-PSS verification with salt-length recovery (RFC 8017 §8.1.2 and §9.1.2), for the salt lengths .NET's
/// built-in PSS verification does not accept. Only public values are involved.
/// </summary>
internal static class PssEncoding
{
    /// <summary>Verifies a PSS signature (MGF1 with the same hash) whatever salt length the signer chose.</summary>
    public static bool VerifyAnySaltLength(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature, BigInteger modulus, BigInteger exponent, int modulusBits, HashAlgorithmName hash)
    {
        int k = (modulusBits + 7) / 8;
        if (signature.Length != k)
        {
            return false;
        }

        // RSAVP1: s must be a representative below n.
        var s = new BigInteger(signature, isUnsigned: true, isBigEndian: true);
        if (s >= modulus)
        {
            return false;
        }

        var m = BigInteger.ModPow(s, exponent, modulus);
        int emBits = modulusBits - 1;
        int emLen = (emBits + 7) / 8;
        var em = new byte[emLen];
        int mBytes = m.GetByteCount(isUnsigned: true);
        if (mBytes > emLen || !m.TryWriteBytes(em.AsSpan(emLen - mBytes), out _, isUnsigned: true, isBigEndian: true))
        {
            return false;
        }

        return EmsaPssVerify(message, em, emBits, hash);
    }

    /// <summary>EMSA-PSS-VERIFY with the salt length recovered from the padding.</summary>
    internal static bool EmsaPssVerify(ReadOnlySpan<byte> message, byte[] em, int emBits, HashAlgorithmName hash)
    {
        int hLen = HashLength(hash);
        int emLen = em.Length;
        if (hLen == 0 || emLen < hLen + 2 || em[^1] != 0xbc)
        {
            return false;
        }

        int dbLen = emLen - hLen - 1;
        var maskedDb = em.AsSpan(0, dbLen);
        var h = em.AsSpan(dbLen, hLen);
        int unusedBits = (8 * emLen) - emBits;
        byte topMask = (byte)(0xFF >> unusedBits);
        if ((maskedDb[0] & ~topMask) != 0)
        {
            return false;
        }

        var db = Mgf1(h, dbLen, hash);
        for (int i = 0; i < dbLen; i++)
        {
            db[i] ^= maskedDb[i];
        }

        db[0] &= topMask;

        // DB = PS (zeros) || 0x01 || salt.
        int separator = db.AsSpan().IndexOfAnyExcept((byte)0);
        if (separator < 0 || db[separator] != 0x01)
        {
            return false;
        }

        var salt = db.AsSpan(separator + 1);
        var mPrime = new byte[8 + hLen + salt.Length];
        if (!CryptographicOperations.TryHashData(hash, message, mPrime.AsSpan(8, hLen), out _))
        {
            return false;
        }

        salt.CopyTo(mPrime.AsSpan(8 + hLen));
        Span<byte> hPrime = stackalloc byte[hLen];
        CryptographicOperations.HashData(hash, mPrime, hPrime);
        return CryptographicOperations.FixedTimeEquals(h, hPrime);
    }

    private static byte[] Mgf1(ReadOnlySpan<byte> seed, int length, HashAlgorithmName hash)
    {
        int hLen = HashLength(hash);
        var output = new byte[length];
        var input = new byte[seed.Length + 4];
        seed.CopyTo(input);
        Span<byte> block = stackalloc byte[hLen];
        for (int counter = 0, offset = 0; offset < length; counter++, offset += hLen)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(input.AsSpan(seed.Length), counter);
            CryptographicOperations.HashData(hash, input, block);
            block[..Math.Min(hLen, length - offset)].CopyTo(output.AsSpan(offset));
        }

        return output;
    }

    private static int HashLength(HashAlgorithmName hash) =>
        hash == HashAlgorithmName.SHA256 ? 32 : hash == HashAlgorithmName.SHA384 ? 48 : hash == HashAlgorithmName.SHA512 ? 64 : 0;
}
