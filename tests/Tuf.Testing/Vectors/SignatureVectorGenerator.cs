using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Tuf.Testing.Vectors;

/// <summary>
/// Writes the signature spec vectors: <c>&lt;outputDir&gt;/&lt;scheme&gt;/&lt;case&gt;/{key.json, data, sig.hex, expected.json}</c>.
/// Keys are fixed (seeds, scalars and the PEM files next to this file), so every file is reproducible except the
/// <c>sig.hex</c> of cases whose signature .NET randomizes (ECDSA, RSA-PSS); see the return value of <see cref="Generate"/>.
/// </summary>
public static class SignatureVectorGenerator
{
    /// <summary>The folder of generator inputs (RSA keys, externally made RSA-PSS signatures).</summary>
    public static string InputDirectory => Path.Combine(SharedVectors.RepoRoot, "tests", "Tuf.Testing", "Vectors");

    /// <summary>Where the committed vectors live.</summary>
    public static string CommittedDirectory => Path.Combine(SharedVectors.RepoRoot, "spec-vectors", "signatures");

    /// <summary>Writes every case under <paramref name="outputDir"/> (replacing what is there).</summary>
    /// <returns>
    /// The cases (<c>scheme/case</c>) whose <c>sig.hex</c> changes on every run because .NET randomizes the signature
    /// (ECDSA, RSA-PSS); those files cannot be byte-compared, only their outcome checked.
    /// </returns>
    public static IReadOnlySet<string> Generate(string outputDir)
    {
        if (Directory.Exists(outputDir))
        {
            Directory.Delete(outputDir, recursive: true);
        }

        Directory.CreateDirectory(outputDir);
        var w = new Writer(outputDir);
        Ed25519(w);
        Ecdsa(w, EcdsaScheme.P256, EcdsaScheme.P384);
        Ecdsa(w, EcdsaScheme.P384, EcdsaScheme.P256);
        RsaPss(w);
        UnknownScheme(w);
        return w.Randomized;
    }

    private static byte[] Message(string scheme) => Encoding.UTF8.GetBytes("{\"_type\":\"signature-vector\",\"scheme\":\"" + scheme + "\"}");

    private static byte[] FixedBytes(string label, HashAlgorithmName hash) =>
        CryptographicOperations.HashData(hash, Encoding.UTF8.GetBytes("Tuf.NET signature vectors: " + label));

    private static void Ed25519(Writer w)
    {
        const string scheme = "ed25519";
        using var a = SigningKey.GenerateEd25519FromSeed(FixedBytes("ed25519 key A", HashAlgorithmName.SHA256));
        using var b = SigningKey.GenerateEd25519FromSeed(FixedBytes("ed25519 key B", HashAlgorithmName.SHA256));
        var data = Message(scheme);
        var sig = a.Sign(data);
        var keyA = a.PublicKey;

        w.Case(scheme, "valid", keyA, data, sig, true);
        w.Case(scheme, "valid-empty-data", keyA, [], a.Sign([]), true);
        w.Case(scheme, "valid-uppercase-hex-key", With(keyA, pub: keyA.Public.ToUpperInvariant()), data, sig, true);
        w.Case(scheme, "wrong-key", b.PublicKey, data, sig, false);
        w.Case(scheme, "flipped-bit-signature", keyA, data, FlipBit(sig, 5), false);
        w.Case(scheme, "flipped-bit-data", keyA, FlipBit(data, 3), sig, false);
        w.Case(scheme, "truncated-signature", keyA, data, sig[..^1], false);
        w.Case(scheme, "extended-signature", keyA, data, [.. sig, 0], false);
        w.Case(scheme, "empty-signature", keyA, data, [], false);
        w.Case(scheme, "zero-signature", keyA, data, new byte[64], false);
        w.Case(scheme, "key-wrong-length", With(keyA, pub: keyA.Public[..62]), data, sig, false);
        w.Case(scheme, "key-not-hex", With(keyA, pub: "zz" + keyA.Public[2..]), data, sig, false);
        w.Case(scheme, "keytype-mismatch", With(keyA, keyType: "ecdsa"), data, sig, false);
    }

    private static void Ecdsa(Writer w, EcdsaScheme.CurveInfo curve, EcdsaScheme.CurveInfo otherCurve)
    {
        string scheme = curve.SchemeName;
        var hash = curve.FieldBytes == 32 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA384;
        var otherHash = curve.FieldBytes == 32 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;
        using var a = SigningKey.FromEcdsaPrivateScalar(curve.Curve, FixedBytes(scheme + " key A", hash));
        using var b = SigningKey.FromEcdsaPrivateScalar(curve.Curve, FixedBytes(scheme + " key B", hash));
        using var other = SigningKey.FromEcdsaPrivateScalar(otherCurve.Curve, FixedBytes(otherCurve.SchemeName + " key A", otherHash));
        var data = Message(scheme);
        var sig = a.Sign(data);
        var keyA = a.PublicKey;
        var hexPoint = HexPoint(keyA.Public);

        w.Case(scheme, "valid-pem", keyA, data, sig, true);
        w.Case(scheme, "valid-pem-legacy-keytype", With(keyA, keyType: scheme), data, sig, true);
        w.Case(scheme, "valid-hex-point", With(keyA, keyType: scheme, pub: hexPoint), data, sig, true);
        w.Case(scheme, "valid-hex-point-generic-keytype", With(keyA, pub: hexPoint), data, sig, true);
        w.Case(scheme, "wrong-key", b.PublicKey, data, sig, false);
        w.Case(scheme, "flipped-bit-signature", keyA, data, FlipBit(sig, sig.Length - 1), false);
        w.Case(scheme, "flipped-bit-data", keyA, FlipBit(data, 3), sig, false);
        w.Case(scheme, "truncated-signature", keyA, data, sig[..^1], false);
        w.Case(scheme, "der-trailing-byte", keyA, data, [.. sig, 0], false);
        w.Case(scheme, "empty-signature", keyA, data, [], false);

        // IEEE P1363 r||s instead of DER: not what TUF signs.
        w.Case(scheme, "raw-r-s-signature", keyA, data, DerToP1363(sig, curve.FieldBytes), false);

        w.Case(scheme, "other-curve-key", With(other.PublicKey, scheme: scheme), data, other.Sign(data), false);
        var badPoint = hexPoint[..^2] + (hexPoint[^2..] == "00" ? "01" : "00");
        w.Case(scheme, "point-not-on-curve", With(keyA, keyType: scheme, pub: badPoint), data, sig, false);
        string compressed = ((Convert.FromHexString(hexPoint)[^1] & 1) == 0 ? "02" : "03") + hexPoint[2..(2 + (2 * curve.FieldBytes))];
        w.Case(scheme, "compressed-point", With(keyA, keyType: scheme, pub: compressed), data, sig, false);
        w.Case(scheme, "pem-wrong-label", With(keyA, pub: keyA.Public.Replace("PUBLIC KEY", "CERTIFICATE", StringComparison.Ordinal)), data, sig, false);
        w.Case(scheme, "keytype-mismatch", With(keyA, keyType: "rsa"), data, sig, false);
    }

    private static void RsaPss(Writer w)
    {
        const string scheme = "rsassa-pss-sha256";
        using var a = SigningKey.FromPkcs8Pem(File.ReadAllText(Path.Combine(InputDirectory, "rsa-3072-a.pem")));
        using var b = SigningKey.FromPkcs8Pem(File.ReadAllText(Path.Combine(InputDirectory, "rsa-3072-b.pem")));
        var data = Message(scheme);
        var sig = a.Sign(data);
        var keyA = a.PublicKey;

        w.Case(scheme, "valid-salt-digest-length", keyA, data, sig, true);
        foreach (var salt in new[] { "max", "zero", "20" })
        {
            var external = Convert.FromHexString(File.ReadAllText(Path.Combine(InputDirectory, $"rsassa-pss-sha256-salt-{salt}.sig.hex")).Trim());
            w.Case(scheme, "valid-salt-" + salt, keyA, data, external, true, randomized: false);
            if (salt == "max")
            {
                w.Case(scheme, "flipped-bit-salt-max", keyA, data, FlipBit(external, 100), false, randomized: false);
            }
        }

        w.Case(scheme, "wrong-key", b.PublicKey, data, sig, false);
        w.Case(scheme, "flipped-bit-signature", keyA, data, FlipBit(sig, 100), false);
        w.Case(scheme, "flipped-bit-data", keyA, FlipBit(data, 3), sig, false);
        w.Case(scheme, "truncated-signature", keyA, data, sig[..^1], false);
        w.Case(scheme, "leading-zero-signature", keyA, data, [0, .. sig], false);
        w.Case(scheme, "empty-signature", keyA, data, [], false);

        using (var rsa = RSA.Create())
        {
            rsa.ImportFromPem(File.ReadAllText(Path.Combine(InputDirectory, "rsa-3072-a.pem")));
            w.Case(scheme, "pkcs1v15-signature", keyA, data, rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), false);
            w.Case(scheme, "sha384-pss-signature", keyA, data, rsa.SignData(data, HashAlgorithmName.SHA384, RSASignaturePadding.Pss), false);
        }

        w.Case(scheme, "keytype-mismatch", With(keyA, keyType: "ecdsa"), data, sig, false);
        var der = Convert.FromBase64String(string.Concat(keyA.Public.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));
        w.Case(scheme, "key-as-hex", With(keyA, pub: Convert.ToHexStringLower(der)), data, sig, false);
    }

    private static void UnknownScheme(Writer w)
    {
        using var a = SigningKey.GenerateEd25519FromSeed(FixedBytes("ed25519 key A", HashAlgorithmName.SHA256));
        var data = Message("unknown-scheme");
        var sig = a.Sign(data);
        w.Case("unknown-scheme", "ed25519-key-unknown-scheme", With(a.PublicKey, scheme: "x-unknown-scheme"), data, sig, false);
        w.Case("unknown-scheme", "ed25519-key-empty-scheme", With(a.PublicKey, scheme: ""), data, sig, false);
        w.Case("unknown-scheme", "ed25519-key-scheme-wrong-case", With(a.PublicKey, scheme: "ED25519"), data, sig, false);
    }

    private static Key With(Key key, string? keyType = null, string? scheme = null, string? pub = null) =>
        new() { KeyType = keyType ?? key.KeyType, Scheme = scheme ?? key.Scheme, Public = pub ?? key.Public };

    private static byte[] FlipBit(byte[] bytes, int index)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] ^= 0x01;
        return copy;
    }

    private static string HexPoint(string pem)
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pem);
        var q = ecdsa.ExportParameters(false).Q;
        return "04" + Convert.ToHexStringLower(q.X!) + Convert.ToHexStringLower(q.Y!);
    }

    private static byte[] DerToP1363(byte[] der, int fieldBytes)
    {
        var reader = new System.Formats.Asn1.AsnReader(der, System.Formats.Asn1.AsnEncodingRules.DER);
        var seq = reader.ReadSequence();
        var result = new byte[2 * fieldBytes];
        foreach (int offset in new[] { 0, fieldBytes })
        {
            var value = seq.ReadIntegerBytes().Span.TrimStart((byte)0);
            value.CopyTo(result.AsSpan(offset + fieldBytes - value.Length));
        }

        return result;
    }

    private sealed class Writer(string root)
    {
        private static readonly JsonWriterOptions s_json = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, NewLine = "\n" };

        public HashSet<string> Randomized { get; } = new(StringComparer.Ordinal);

        public void Case(string scheme, string caseName, Key key, byte[] data, byte[] signature, bool valid, bool? randomized = null)
        {
            // .NET's ECDSA (random k) and RSA-PSS (random salt) signatures differ on every run.
            if (randomized ?? (scheme.StartsWith("ecdsa", StringComparison.Ordinal) || scheme.StartsWith("rsassa", StringComparison.Ordinal)))
            {
                Randomized.Add(scheme + "/" + caseName);
            }

            var dir = Path.Combine(root, scheme, caseName);
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, "key.json"), KeyJson(key));
            File.WriteAllBytes(Path.Combine(dir, "data"), data);
            File.WriteAllText(Path.Combine(dir, "sig.hex"), Convert.ToHexStringLower(signature) + "\n");
            File.WriteAllText(Path.Combine(dir, "expected.json"), valid ? "{\"valid\": true}\n" : "{\"valid\": false}\n");
        }

        private static byte[] KeyJson(Key key)
        {
            using var stream = new MemoryStream();
            using (var json = new Utf8JsonWriter(stream, s_json))
            {
                json.WriteStartObject();
                json.WriteString("keytype", key.KeyType);
                json.WriteStartObject("keyval");
                json.WriteString("public", key.Public);
                json.WriteEndObject();
                json.WriteString("scheme", key.Scheme);
                json.WriteEndObject();
            }

            stream.WriteByte((byte)'\n');
            return stream.ToArray();
        }
    }
}
