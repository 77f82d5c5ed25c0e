namespace Tuf;

public sealed partial class Key
{
    // The verifier parsed from (Scheme, KeyType, Public) the last time; the properties are settable, so it is
    // reused only while all three are unchanged.
    private ParsedKey? _parsed;

    /// <summary>
    /// Verifies <paramref name="signature"/> over <paramref name="data"/> with this key under its scheme.
    /// Never throws for bad input: an unknown scheme, a malformed key or a malformed signature is simply invalid.
    /// </summary>
    /// <param name="data">The signed bytes (canonical JSON of <c>signed</c>).</param>
    /// <param name="signature">The raw signature bytes (decoded from hex).</param>
    /// <returns><see langword="true"/> only for a valid signature.</returns>
    /// <exception cref="DllNotFoundException">An <c>ed25519</c> key is checked and the libsodium native library that ships with NSec.Cryptography is missing (a deployment error, not bad input).</exception>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        var verifier = GetVerifier();
        if (verifier is null)
        {
            return false;
        }

        try
        {
            return verifier.Verify(data, signature);
        }
        catch (DllNotFoundException)
        {
            throw;
        }
        catch (Exception)
        {
            return false;
        }
    }

    /// <summary>The parsed verifier for this key, or <see langword="null"/> when its scheme is unknown or its value malformed.</summary>
    internal PublicKeyVerifier? GetVerifier()
    {
        var parsed = _parsed;
        string scheme = Scheme, keyType = KeyType, publicValue = Public;
        if (parsed is not null
            && string.Equals(parsed.Scheme, scheme, StringComparison.Ordinal)
            && string.Equals(parsed.KeyType, keyType, StringComparison.Ordinal)
            && string.Equals(parsed.Public, publicValue, StringComparison.Ordinal))
        {
            return parsed.Verifier;
        }

        var verifier = SignatureSchemes.GetVerifier(scheme, keyType, publicValue);
        _parsed = new ParsedKey(scheme, keyType, publicValue, verifier);
        return verifier;
    }

    private sealed record ParsedKey(string Scheme, string KeyType, string Public, PublicKeyVerifier? Verifier);
}
