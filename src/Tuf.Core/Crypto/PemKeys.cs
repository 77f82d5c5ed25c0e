namespace Tuf;

/// <summary>Strict reading of a single PEM block from an untrusted key string.</summary>
internal static class PemKeys
{
    private const int MaxPemLength = 64 * 1024;

    /// <summary>
    /// Decodes the one PEM block in <paramref name="pem"/> whose label is <paramref name="label"/>. Text around the
    /// block other than whitespace, a second block, or bad base64 make it fail.
    /// </summary>
    public static bool TryDecodeSingle(string pem, string label, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? der)
    {
        der = null;
        if (pem.Length > MaxPemLength || !System.Security.Cryptography.PemEncoding.TryFind(pem, out var fields))
        {
            return false;
        }

        var span = pem.AsSpan();
        if (!span[fields.Label].SequenceEqual(label)
            || !span[..fields.Location.Start].IsWhiteSpace()
            || !span[fields.Location.End..].IsWhiteSpace())
        {
            return false;
        }

        var bytes = new byte[fields.DecodedDataLength];
        if (!Convert.TryFromBase64Chars(span[fields.Base64Data], bytes, out int written) || written != bytes.Length)
        {
            return false;
        }

        der = bytes;
        return true;
    }
}
