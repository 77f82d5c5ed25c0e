using System.Text.Json;
using Tuf.Notary;

namespace Tuf.Server.Notary;

/// <summary>
/// Which TUF dialect a collection speaks. Fixed by its first publish: a root whose <c>signed._type</c> is
/// <c>Root</c> makes a Notary collection (Notary v1 and Docker Content Trust clients); <c>root</c> a TUF 1.0 one.
/// </summary>
internal static class NotaryDialect
{
    /// <summary>Whether <paramref name="rootFile"/> is a Notary root (by its <c>_type</c>; nothing else is trusted from it here).</summary>
    public static bool IsNotaryRoot(ReadOnlySpan<byte> rootFile)
    {
        var reader = new Utf8JsonReader(rootFile, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            int depth = 0;
            bool inSigned = false;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        depth++;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        depth--;
                        if (depth == 1)
                        {
                            inSigned = false;
                        }

                        break;
                    case JsonTokenType.PropertyName when depth == 1 && reader.ValueTextEquals("signed"u8):
                        inSigned = true;
                        break;
                    case JsonTokenType.PropertyName when depth == 2 && inSigned && reader.ValueTextEquals("_type"u8):
                        return reader.Read() && reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("Root"u8);
                }
            }
        }
        catch (JsonException)
        {
        }

        return false;
    }

    /// <summary>A server-held public key (TUF form) as Notary lists it.</summary>
    public static NotaryKey ToNotaryKey(Key key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.KeyType switch
        {
            "ed25519" => new NotaryKey("ed25519", Convert.FromHexString(key.Public)),
            "ecdsa" => new NotaryKey("ecdsa", PemDer(key.Public)),
            "rsa" => new NotaryKey("rsa", PemDer(key.Public)),
            _ => throw new InvalidOperationException($"a {key.KeyType} key has no Notary form"),
        };
    }

    /// <summary>Notary's signature method for a server key.</summary>
    public static string MethodFor(Key key) => key.KeyType switch
    {
        "ed25519" => "eddsa",
        "ecdsa" => "ecdsa",
        _ => "rsapss",
    };

    /// <summary>An ECDSA signature in DER (<c>SEQUENCE { INTEGER r, INTEGER s }</c>) as Notary's raw r||s, each <paramref name="fieldBytes"/> long.</summary>
    public static byte[] DerToRawEcdsa(byte[] der, int fieldBytes)
    {
        var reader = new System.Formats.Asn1.AsnReader(der, System.Formats.Asn1.AsnEncodingRules.DER);
        var sequence = reader.ReadSequence();
        var r = sequence.ReadIntegerBytes().Span;
        var s = sequence.ReadIntegerBytes().Span;
        sequence.ThrowIfNotEmpty();
        reader.ThrowIfNotEmpty();
        byte[] raw = new byte[2 * fieldBytes];
        Copy(r, raw.AsSpan(0, fieldBytes));
        Copy(s, raw.AsSpan(fieldBytes, fieldBytes));
        return raw;

        static void Copy(ReadOnlySpan<byte> integer, Span<byte> destination)
        {
            integer = integer.TrimStart((byte)0); // DER adds a 0 byte before a high bit
            if (integer.Length > destination.Length)
            {
                throw new InvalidOperationException("an ECDSA signature component is longer than the curve's field");
            }

            integer.CopyTo(destination[(destination.Length - integer.Length)..]);
        }
    }

    private static byte[] PemDer(string pem)
    {
        var fields = System.Security.Cryptography.PemEncoding.Find(pem);
        return Convert.FromBase64String(pem[fields.Base64Data]);
    }
}
