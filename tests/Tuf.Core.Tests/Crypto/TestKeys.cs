using System.Security.Cryptography;
using System.Text;
using Tuf.Testing.Vectors;

namespace Tuf.Core.Tests.Crypto;

/// <summary>Fixed signing keys for tests (RSA from the vector generator's PEM files: generating RSA-3072 is slow).</summary>
internal static class TestKeys
{
    public static TheoryData<string> Kinds() => ["ed25519", "ecdsa-p256", "ecdsa-p384", "rsa-3072"];

    /// <summary>Key number <paramref name="index"/> (0 or 1) of a kind; a new instance each call.</summary>
    public static SigningKey Get(string kind, int index = 0)
    {
        var label = Encoding.UTF8.GetBytes($"test key {kind} {index}");
        return kind switch
        {
            "ed25519" => SigningKey.GenerateEd25519FromSeed(SHA256.HashData(label)),
            "ecdsa-p256" => SigningKey.FromEcdsaPrivateScalar(ECCurve.NamedCurves.nistP256, SHA256.HashData(label)),
            "ecdsa-p384" => SigningKey.FromEcdsaPrivateScalar(ECCurve.NamedCurves.nistP384, SHA384.HashData(label)),
            "rsa-3072" => SigningKey.FromPkcs8Pem(File.ReadAllText(Path.Combine(SignatureVectorGenerator.InputDirectory, index == 0 ? "rsa-3072-a.pem" : "rsa-3072-b.pem"))),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }
}
