using NSec.Cryptography;

namespace Tuf;

/// <summary>
/// Ed25519 through NSec.Cryptography (libsodium, shipped as a NuGet native asset: no system package needed).
/// Private keys live in NSec's secure memory; the 32-byte seed leaves it only for an explicit export.
/// </summary>
internal static class Ed25519
{
    /// <summary>Public key size.</summary>
    public const int PublicKeyBytes = 32;

    /// <summary>Seed (raw private key) size.</summary>
    public const int SeedBytes = 32;

    /// <summary>Signature size.</summary>
    public const int SignatureBytes = 64;

    private static readonly SignatureAlgorithm s_algorithm = SignatureAlgorithm.Ed25519;

    /// <summary>The private key derived from <paramref name="seed"/> (exportable, for key files and PKCS#8).</summary>
    public static NSec.Cryptography.Key FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedBytes)
        {
            throw new ArgumentException("An Ed25519 seed is 32 bytes", nameof(seed));
        }

        return NSec.Cryptography.Key.Import(s_algorithm, seed, KeyBlobFormat.RawPrivateKey,
            new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
    }

    /// <summary>The raw 32-byte public key of <paramref name="key"/>.</summary>
    public static byte[] PublicKeyOf(NSec.Cryptography.Key key) => key.PublicKey.Export(KeyBlobFormat.RawPublicKey);

    /// <summary>Writes the 32-byte seed of <paramref name="key"/> to <paramref name="seed"/>.</summary>
    public static void ExportSeed(NSec.Cryptography.Key key, Span<byte> seed)
    {
        if (!key.TryExport(KeyBlobFormat.RawPrivateKey, seed, out int written) || written != SeedBytes)
        {
            throw new System.Security.Cryptography.CryptographicException("The Ed25519 seed could not be exported");
        }
    }

    /// <summary>Signs <paramref name="data"/>.</summary>
    public static byte[] Sign(NSec.Cryptography.Key key, ReadOnlySpan<byte> data) => s_algorithm.Sign(key, data);

    /// <summary>A public key from its 32 raw bytes, or null when they are not a valid encoding.</summary>
    public static PublicKey? TryImportPublicKey(ReadOnlySpan<byte> raw) =>
        raw.Length == PublicKeyBytes && PublicKey.TryImport(s_algorithm, raw, KeyBlobFormat.RawPublicKey, out var key) ? key : null;

    /// <summary>Whether <paramref name="signature"/> is a valid signature of <paramref name="data"/> by <paramref name="key"/>.</summary>
    public static bool Verify(PublicKey key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        signature.Length == SignatureBytes && s_algorithm.Verify(key, data, signature);
}
