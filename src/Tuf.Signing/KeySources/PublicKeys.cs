using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Tuf.Signing;

/// <summary>Reads and writes public keys as TUF key JSON (<c>{"keytype","keyval":{"public"},"scheme"}</c>) and PEM.</summary>
internal static class PublicKeys
{
    // DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): SEQUENCE { SEQUENCE { OID 1.3.101.112 } BIT STRING (32 bytes) }.
    private static readonly byte[] Ed25519SpkiPrefix = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

    /// <summary>Reads a key object.</summary>
    /// <exception cref="SigningException">The object is not a key.</exception>
    public static Key FromJson(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object
            || !e.TryGetProperty("keytype", out var kt) || kt.ValueKind != JsonValueKind.String
            || !e.TryGetProperty("scheme", out var sc) || sc.ValueKind != JsonValueKind.String
            || !e.TryGetProperty("keyval", out var kv) || kv.ValueKind != JsonValueKind.Object
            || !kv.TryGetProperty("public", out var pub) || pub.ValueKind != JsonValueKind.String)
        {
            throw new SigningException("not a TUF key object (needs keytype, scheme and keyval.public)");
        }

        return new Key { KeyType = kt.GetString()!, Scheme = sc.GetString()!, Public = pub.GetString()! };
    }

    /// <summary>The key as indented JSON text with its key ID: <c>{"keyid": …, "keytype": …, "keyval": …, "scheme": …}</c>.</summary>
    public static string ToJson(Key key)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("keyid", key.ComputeKeyId());
            w.WriteString("keytype", key.KeyType);
            w.WriteStartObject("keyval");
            w.WriteString("public", key.Public);
            w.WriteEndObject();
            w.WriteString("scheme", key.Scheme);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>The public key as a PEM SubjectPublicKeyInfo.</summary>
    public static string ToPem(Key key)
    {
        if (key.KeyType == "ed25519")
        {
            byte[] raw = Convert.FromHexString(key.Public);
            return PemEncoding.WriteString("PUBLIC KEY", [.. Ed25519SpkiPrefix, .. raw]) + "\n";
        }

        if (key.Public.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            return key.Public.EndsWith('\n') ? key.Public : key.Public + "\n";
        }

        if (key.Public.Length == 130 && key.Public.StartsWith("04", StringComparison.Ordinal))
        {
            // Legacy hex SEC1 point of an ecdsa-sha2-nistp256 key.
            byte[] point = Convert.FromHexString(key.Public);
            using var ec = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = point[1..33], Y = point[33..] },
            });
            return ec.ExportSubjectPublicKeyInfoPem() + "\n";
        }

        throw new SigningException($"cannot export a {key.KeyType} key as PEM");
    }

    /// <summary>Reads a public key file: TUF key JSON (as <c>tuf key export</c> writes it) or a PEM public key.</summary>
    /// <exception cref="SigningException">The file is not a public key this library can use.</exception>
    public static Key Load(string path)
    {
        string text;
        try
        {
            var info = new FileInfo(path);
            if (info.Length > 64 * 1024)
            {
                throw new SigningException($"{path}: too large for a public key file");
            }

            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SigningException($"{path}: cannot read ({ex.Message})", ex);
        }

        if (text.TrimStart().StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(text);
                return FromJson(doc.RootElement);
            }
            catch (JsonException ex)
            {
                throw new SigningException($"{path}: not valid JSON ({ex.Message})", ex);
            }
        }

        return FromPem(text, path);
    }

    /// <summary>Reads a PEM SubjectPublicKeyInfo (Ed25519, ML-DSA-44/65/87, ECDSA P-256 or RSA).</summary>
    public static Key FromPem(string pem, string source)
    {
        if (!PemEncoding.TryFind(pem, out var fields) || pem[fields.Label] is not "PUBLIC KEY")
        {
            throw new SigningException($"{source}: not a TUF key JSON file or a PEM public key");
        }

        byte[] der = Convert.FromBase64String(pem[fields.Base64Data].ToString());
        if (der.Length == Ed25519SpkiPrefix.Length + 32 && der.AsSpan().StartsWith(Ed25519SpkiPrefix))
        {
            return new Key { KeyType = "ed25519", Scheme = "ed25519", Public = Convert.ToHexStringLower(der.AsSpan(Ed25519SpkiPrefix.Length)) };
        }

        string canonicalPem = PemEncoding.WriteString("PUBLIC KEY", der) + "\n";
        foreach (var mlDsa in MLDsaScheme.All)
        {
            if (mlDsa.TryParse(MLDsaScheme.KeyTypeName, canonicalPem) is not null)
            {
                return new Key { KeyType = MLDsaScheme.KeyTypeName, Scheme = mlDsa.Name, Public = canonicalPem };
            }
        }

        try
        {
            using var ec = ECDsa.Create();
            ec.ImportSubjectPublicKeyInfo(der, out _);
            if (ec.KeySize != 256)
            {
                throw new SigningException($"{source}: only P-256 ECDSA keys are supported");
            }

            return new Key { KeyType = "ecdsa", Scheme = "ecdsa-sha2-nistp256", Public = PemEncoding.WriteString("PUBLIC KEY", ec.ExportSubjectPublicKeyInfo()) + "\n" };
        }
        catch (CryptographicException)
        {
            // Not an EC key; try RSA.
        }

        try
        {
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(der, out _);
            if (rsa.KeySize < 2048)
            {
                throw new SigningException($"{source}: RSA keys must be at least 2048 bits");
            }

            return new Key { KeyType = "rsa", Scheme = "rsassa-pss-sha256", Public = PemEncoding.WriteString("PUBLIC KEY", rsa.ExportSubjectPublicKeyInfo()) + "\n" };
        }
        catch (CryptographicException ex)
        {
            throw new SigningException($"{source}: unsupported public key type", ex);
        }
    }
}
