using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Tuf.Signing;

/// <summary>Reads and writes public keys as TUF key JSON (<c>{"keytype","keyval":{"public"},"scheme"}</c>) and PEM.</summary>
public static class PublicKeys
{
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

    /// <summary>The public key as a PEM SubjectPublicKeyInfo: <see cref="Key.ToPem"/>.</summary>
    /// <exception cref="SigningException">The key has no PEM form.</exception>
    public static string ToPem(Key key)
    {
        try
        {
            return key.ToPem();
        }
        catch (FormatException ex)
        {
            throw new SigningException(ex.Message, ex);
        }
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

    /// <summary>Reads a PEM SubjectPublicKeyInfo (Ed25519, ML-DSA-44/65/87, ECDSA P-256 or RSA): <see cref="Key.FromPem(string)"/>.</summary>
    /// <exception cref="SigningException">Not a supported public key, naming <paramref name="source"/>.</exception>
    public static Key FromPem(string pem, string source)
    {
        try
        {
            return Key.FromPem(pem);
        }
        catch (FormatException ex)
        {
            throw new SigningException($"{source}: {ex.Message}", ex);
        }
    }
}
