using System.Collections.Concurrent;

namespace Tuf;

/// <summary>
/// The registry of signature schemes by name, and a bounded cache of parsed public keys: key values are immutable
/// strings, so parsing a PEM or hex key once makes repeated verification cheap.
/// </summary>
internal static class SignatureSchemes
{
    private const int MaxCachedKeys = 4096;

    private static readonly ConcurrentDictionary<string, ISignatureScheme> s_schemes = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<(string Scheme, string KeyType, string Public), PublicKeyVerifier?> s_cache = new();

    static SignatureSchemes()
    {
        Register(new Ed25519Scheme());
        Register(new EcdsaScheme(EcdsaScheme.P256));
        Register(new EcdsaScheme(EcdsaScheme.P384));
        Register(new RsaPssScheme(RsaPssScheme.Sha256));
        Register(new RsaPssScheme(RsaPssScheme.Sha384));
        Register(new RsaPssScheme(RsaPssScheme.Sha512));
        foreach (var mlDsa in MLDsaScheme.All)
        {
            Register(mlDsa);
        }
    }

    /// <summary>The names of the registered schemes.</summary>
    public static IReadOnlyCollection<string> Names => s_schemes.Keys.ToArray();

    /// <summary>
    /// Adds or replaces a scheme (the registry is pluggable; built-in schemes register themselves). Register before
    /// verifying: <see cref="Key"/> instances that already verified keep the verifier they parsed.
    /// </summary>
    public static void Register(ISignatureScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        s_schemes[scheme.Name] = scheme;
        s_cache.Clear();
    }

    /// <summary>Finds a scheme by its exact name.</summary>
    public static bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ISignatureScheme? scheme)
        => s_schemes.TryGetValue(name, out scheme);

    /// <summary>
    /// The parsed verifier for a key, or <see langword="null"/> for an unknown scheme, a key type that does not go with
    /// the scheme, or a malformed value. Results (including failures) are cached.
    /// </summary>
    public static PublicKeyVerifier? GetVerifier(string? scheme, string? keyType, string? publicValue)
    {
        if (scheme is null || keyType is null || publicValue is null)
        {
            return null;
        }

        var cacheKey = (scheme, keyType, publicValue);
        if (s_cache.TryGetValue(cacheKey, out var cached))
        {
            return cached;
        }

        PublicKeyVerifier? parsed = null;
        if (s_schemes.TryGetValue(scheme, out var impl))
        {
            try
            {
                parsed = impl.TryParse(keyType, publicValue);
            }
            catch (Exception)
            {
                // A scheme's parser must not throw, but a plug-in might: a key that cannot be parsed never verifies.
                parsed = null;
            }
        }

        // Metadata is untrusted: an attacker could list many distinct keys, so the cache is bounded.
        if (s_cache.Count >= MaxCachedKeys)
        {
            s_cache.Clear();
        }

        s_cache.TryAdd(cacheKey, parsed);
        return parsed;
    }
}
