using System.Security.Cryptography;

namespace Tuf.Server.Publishing;

/// <summary>
/// A server-held online key (timestamp or snapshot): ECDSA P-256, scheme <c>ecdsa-sha2-nistp256</c>, PEM public key,
/// DER signatures, as python-tuf/securesystemslib and Notary use for online keys. In-box crypto only.
/// </summary>
internal sealed class OnlineKey : IDisposable
{
    /// <summary>The TUF key type.</summary>
    public const string KeyType = "ecdsa";

    /// <summary>The TUF signature scheme.</summary>
    public const string Scheme = "ecdsa-sha2-nistp256";

    private readonly ECDsa _ecdsa;

    private OnlineKey(ECDsa ecdsa)
    {
        _ecdsa = ecdsa;
        PublicKey = new Key { KeyType = KeyType, Scheme = Scheme, Public = ecdsa.ExportSubjectPublicKeyInfoPem() };
        KeyId = PublicKey.ComputeKeyId();
    }

    /// <summary>The public key as it appears in root metadata.</summary>
    public Key PublicKey { get; }

    /// <summary>The key ID.</summary>
    public string KeyId { get; }

    /// <summary>Generates a new key.</summary>
    public static OnlineKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Imports a PKCS#8 private key.</summary>
    public static OnlineKey FromPkcs8(ReadOnlySpan<byte> pkcs8)
    {
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
            return new OnlineKey(ecdsa);
        }
        catch
        {
            ecdsa.Dispose();
            throw;
        }
    }

    /// <summary>The private key as PKCS#8 (to be sealed at once).</summary>
    public byte[] ExportPkcs8() => _ecdsa.ExportPkcs8PrivateKey();

    /// <summary>Signs canonical bytes.</summary>
    public Signature Sign(ReadOnlySpan<byte> data)
        => new(KeyId, Convert.ToHexStringLower(_ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)));

    /// <inheritdoc/>
    public void Dispose() => _ecdsa.Dispose();
}
