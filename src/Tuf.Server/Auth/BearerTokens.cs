using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Tuf.Server.Publishing;

namespace Tuf.Server.Auth;

/// <summary>
/// Short-lived bearer tokens issued by the token endpoint (Docker's token authentication, as the notary and docker
/// clients use it): <c>tufb_</c> + base64url(<c>expiry-unix-seconds scopes...</c>) + <c>.</c> + base64url(HMAC-SHA256).
/// The HMAC key is derived from the key-encryption key, so every replica accepts every replica's tokens; nothing is
/// stored. A token carries only the scopes it was granted, in the server's own scope syntax.
/// </summary>
internal sealed class BearerTokens
{
    /// <summary>Prefix of issued bearer tokens.</summary>
    public const string Prefix = "tufb_";

    /// <summary>How long an issued token is valid.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly byte[] _key;
    private readonly TimeProvider _time;

    public BearerTokens(KeyEncryption encryption, TimeProvider time)
    {
        _key = encryption.DeriveKey("tuf-server bearer tokens v1");
        _time = time;
    }

    /// <summary>Issues a token for <paramref name="scopes"/> (the server's scope syntax, space-separated).</summary>
    public (string Token, DateTimeOffset IssuedAt) Issue(string scopes)
    {
        var now = _time.GetUtcNow();
        long expires = (now + Lifetime).ToUnixTimeSeconds();
        byte[] payload = Encoding.UTF8.GetBytes(expires.ToString(CultureInfo.InvariantCulture) + " " + scopes);
        byte[] mac = HMACSHA256.HashData(_key, payload);
        return (Prefix + Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(mac), now);
    }

    /// <summary>The scopes of a valid, unexpired token; null otherwise.</summary>
    public TokenScopes? Validate(string token)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = token[Prefix.Length..].Split('.');
        if (parts.Length != 2)
        {
            return null;
        }

        byte[] payload;
        byte[] mac;
        try
        {
            payload = Base64Url.DecodeFromChars(parts[0]);
            mac = Base64Url.DecodeFromChars(parts[1]);
        }
        catch (FormatException)
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(_key, payload)))
        {
            return null;
        }

        string text = Encoding.UTF8.GetString(payload);
        int space = text.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || !long.TryParse(text.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out long expires)
            || _time.GetUtcNow().ToUnixTimeSeconds() >= expires)
        {
            return null;
        }

        try
        {
            return TokenScopes.Parse(text[(space + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
