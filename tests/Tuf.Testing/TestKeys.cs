using System.Security.Cryptography;
using System.Text;

namespace Tuf.Testing;

/// <summary>A fixed test signing key: its public <see cref="Key"/>, key ID, and a signing function.</summary>
public sealed class TestKey
{
    private readonly Func<byte[], byte[]> _sign;

    internal TestKey(Key publicKey, Func<byte[], byte[]> sign)
    {
        PublicKey = publicKey;
        _sign = sign;
        KeyId = publicKey.ComputeKeyId();
    }

    /// <summary>The public key as metadata lists it.</summary>
    public Key PublicKey { get; }

    /// <summary>The key ID (SHA-256 of the canonical key JSON).</summary>
    public string KeyId { get; }

    /// <summary>Signs <paramref name="data"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) => _sign(data.ToArray());

    /// <summary>A signature entry over <paramref name="data"/>.</summary>
    public Signature SignEntry(ReadOnlySpan<byte> data) => new(KeyId, Convert.ToHexStringLower(Sign(data)));
}

/// <summary>
/// Deterministic test keys: the same index always gives the same key, so repositories built in tests are
/// reproducible. Ed25519 keys come from a fixed seed (NSec); ECDSA P-256 keys from a fixed scalar.
/// </summary>
public static class TestKeys
{
    /// <summary>The ed25519 key number <paramref name="index"/> (hex public key, scheme ed25519).</summary>
    public static TestKey Ed25519(int index)
    {
        byte[] seed = SHA256.HashData(Encoding.UTF8.GetBytes($"tuf-dotnet-test-key-ed25519-{index}"));
        var algorithm = NSec.Cryptography.SignatureAlgorithm.Ed25519;
        var secret = NSec.Cryptography.Key.Import(algorithm, seed, NSec.Cryptography.KeyBlobFormat.RawPrivateKey);
        var pk = secret.PublicKey.Export(NSec.Cryptography.KeyBlobFormat.RawPublicKey);
        var key = new Key { KeyType = "ed25519", Scheme = "ed25519", Public = Convert.ToHexStringLower(pk) };
        return new TestKey(key, data => algorithm.Sign(secret, data));
    }

    /// <summary>The ECDSA P-256 key number <paramref name="index"/> (keytype <c>ecdsa</c>, PEM public key, DER signatures).</summary>
    public static TestKey EcdsaP256(int index)
    {
        byte[] d = SHA256.HashData(Encoding.UTF8.GetBytes($"tuf-dotnet-test-key-ecdsa-{index}"));
        d[0] &= 0x7F; // keep the scalar below the group order
        var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
        string pem = ecdsa.ExportSubjectPublicKeyInfoPem() + "\n";
        var key = new Key { KeyType = "ecdsa", Scheme = "ecdsa-sha2-nistp256", Public = pem };
        return new TestKey(key, data => ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }
}
