using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace Tuf.Benchmarks;

/// <summary>
/// <see cref="Key.Verify"/> per scheme against the bare library call on the same bytes (NSec's
/// <c>SignatureAlgorithm.Ed25519.Verify</c>, i.e. libsodium's <c>crypto_sign_verify_detached</c>, <see cref="ECDsa.VerifyData(ReadOnlySpan{byte}, ReadOnlySpan{byte}, HashAlgorithmName, DSASignatureFormat)"/>,
/// <see cref="RSA.VerifyData(ReadOnlySpan{byte}, ReadOnlySpan{byte}, HashAlgorithmName, RSASignaturePadding)"/>).
/// Goal: Key.Verify within 10% of bare. The payload is 1 KiB, about the size of a timestamp.json.
/// <c>RsaPss3072_KeyVerify_SaltZero</c> is a PSS signature whose salt is not the digest length: .NET's verifier refuses
/// it, so <see cref="Key.Verify"/> takes the BouncyCastle path that reads the salt length from the signature; it
/// shows what keeping .NET's platform RSA for the common salt length saves.
/// </summary>
[MemoryDiagnoser]
public class VerifyBenchmarks
{
    private readonly byte[] _data = new byte[1024];
    private SigningKey _ed25519 = null!;
    private SigningKey _p256 = null!;
    private SigningKey _rsa = null!;
    private Key _ed25519Key = null!;
    private Key _p256Key = null!;
    private Key _rsaKey = null!;
    private NSec.Cryptography.PublicKey _ed25519Public = null!;
    private ECDsa _bareEcdsa = null!;
    private RSA _bareRsa = null!;
    private byte[] _ed25519Sig = null!;
    private byte[] _p256Sig = null!;
    private byte[] _rsaSig = null!;
    private byte[] _rsaSaltZeroSig = null!;
    private Signature[] _ed25519Signatures = null!;
    private Role _role = null!;
    private Dictionary<string, Key> _keys = null!;

    [GlobalSetup]
    public void Setup()
    {
        for (int i = 0; i < _data.Length; i++)
        {
            _data[i] = (byte)('a' + (i % 26));
        }

        _ed25519 = SigningKey.GenerateEd25519FromSeed(SHA256.HashData("bench ed25519"u8));
        _p256 = SigningKey.FromEcdsaPrivateScalar(ECCurve.NamedCurves.nistP256, SHA256.HashData("bench p256"u8));
        using (var platformRsa = RSA.Create(3072))
        {
            _rsa = SigningKey.FromPkcs8(platformRsa.ExportPkcs8PrivateKey());
            var signer = new Org.BouncyCastle.Crypto.Signers.PssSigner(
                new Org.BouncyCastle.Crypto.Engines.RsaEngine(), new Org.BouncyCastle.Crypto.Digests.Sha256Digest(), 0);
            signer.Init(true, Org.BouncyCastle.Security.DotNetUtilities.GetRsaKeyPair(platformRsa.ExportParameters(true)).Private);
            signer.BlockUpdate(_data);
            _rsaSaltZeroSig = signer.GenerateSignature();
        }

        (_ed25519Key, _p256Key, _rsaKey) = (_ed25519.PublicKey, _p256.PublicKey, _rsa.PublicKey);
        (_ed25519Sig, _p256Sig, _rsaSig) = (_ed25519.Sign(_data), _p256.Sign(_data), _rsa.Sign(_data));

        _ed25519Public = NSec.Cryptography.PublicKey.Import(NSec.Cryptography.SignatureAlgorithm.Ed25519, Convert.FromHexString(_ed25519Key.Public), NSec.Cryptography.KeyBlobFormat.RawPublicKey);
        _bareEcdsa = ECDsa.Create();
        _bareEcdsa.ImportFromPem(_p256Key.Public);
        _bareRsa = RSA.Create();
        _bareRsa.ImportFromPem(_rsaKey.Public);

        _ed25519Signatures = [new Signature("k", Convert.ToHexStringLower(_ed25519Sig))];
        _role = new Role { KeyIds = ["k"], Threshold = 1 };
        _keys = new Dictionary<string, Key>(StringComparer.Ordinal) { ["k"] = _ed25519Key };

        if (!Ed25519_KeyVerify() || !Ed25519_BareNSec() || !EcdsaP256_KeyVerify() || !EcdsaP256_BareDotNet()
            || !RsaPss3072_KeyVerify() || !RsaPss3072_BareDotNet() || !RsaPss3072_KeyVerify_SaltZero()
            || _bareRsa.VerifyData(_data, _rsaSaltZeroSig, HashAlgorithmName.SHA256, RSASignaturePadding.Pss) || Ed25519_ThresholdCountValid() != 1)
        {
            throw new InvalidOperationException("benchmark setup: a signature does not verify");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ed25519.Dispose();
        _p256.Dispose();
        _rsa.Dispose();
        _bareEcdsa.Dispose();
        _bareRsa.Dispose();
    }

    [Benchmark]
    public bool Ed25519_KeyVerify() => _ed25519Key.Verify(_data, _ed25519Sig);

    [Benchmark(Baseline = true)]
    public bool Ed25519_BareNSec() => NSec.Cryptography.SignatureAlgorithm.Ed25519.Verify(_ed25519Public, _data, _ed25519Sig);

    [Benchmark]
    public int Ed25519_ThresholdCountValid() => ThresholdVerifier.CountValid(_data, _ed25519Signatures, _role, _keys);

    [Benchmark]
    public bool EcdsaP256_KeyVerify() => _p256Key.Verify(_data, _p256Sig);

    [Benchmark]
    public bool EcdsaP256_BareDotNet() => _bareEcdsa.VerifyData(_data, _p256Sig, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    [Benchmark]
    public bool RsaPss3072_KeyVerify() => _rsaKey.Verify(_data, _rsaSig);

    [Benchmark]
    public bool RsaPss3072_BareDotNet() => _bareRsa.VerifyData(_data, _rsaSig, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);

    [Benchmark]
    public bool RsaPss3072_KeyVerify_SaltZero() => _rsaKey.Verify(_data, _rsaSaltZeroSig);
}
