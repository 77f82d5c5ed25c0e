using System.Reflection;
using System.Runtime.InteropServices;

namespace Tuf;

/// <summary>
/// A small P/Invoke layer over libsodium (Debian package <c>libsodium23</c>): Ed25519, Argon2id password
/// hashing, XChaCha20-Poly1305 AEAD, random bytes and memory zeroing. Every wrapper checks buffer sizes
/// before calling into native code; the library is loaded and <c>sodium_init</c> run once, on first use.
/// </summary>
internal static partial class Sodium
{
    /// <summary>Ed25519 public key size.</summary>
    public const int Ed25519PublicKeyBytes = 32;

    /// <summary>Ed25519 secret key size (seed followed by the public key).</summary>
    public const int Ed25519SecretKeyBytes = 64;

    /// <summary>Ed25519 seed size.</summary>
    public const int Ed25519SeedBytes = 32;

    /// <summary>Ed25519 signature size.</summary>
    public const int Ed25519SignatureBytes = 64;

    /// <summary><c>crypto_pwhash_ALG_ARGON2ID13</c>.</summary>
    public const int PwHashAlgArgon2id13 = 2;

    /// <summary><c>crypto_pwhash_SALTBYTES</c>.</summary>
    public const int PwHashSaltBytes = 16;

    /// <summary><c>crypto_pwhash_OPSLIMIT_INTERACTIVE</c> for Argon2id.</summary>
    public const ulong PwHashOpsLimitInteractive = 2;

    /// <summary><c>crypto_pwhash_MEMLIMIT_INTERACTIVE</c> for Argon2id (64 MiB).</summary>
    public const ulong PwHashMemLimitInteractive = 64UL * 1024 * 1024;

    /// <summary><c>crypto_pwhash_OPSLIMIT_MODERATE</c> for Argon2id.</summary>
    public const ulong PwHashOpsLimitModerate = 3;

    /// <summary><c>crypto_pwhash_MEMLIMIT_MODERATE</c> for Argon2id (256 MiB).</summary>
    public const ulong PwHashMemLimitModerate = 256UL * 1024 * 1024;

    /// <summary><c>crypto_pwhash_OPSLIMIT_MIN</c> for Argon2id.</summary>
    public const ulong PwHashOpsLimitMin = 1;

    /// <summary><c>crypto_pwhash_MEMLIMIT_MIN</c> for Argon2id (8 KiB).</summary>
    public const ulong PwHashMemLimitMin = 8192;

    /// <summary>XChaCha20-Poly1305 key size.</summary>
    public const int AeadKeyBytes = 32;

    /// <summary>XChaCha20-Poly1305 nonce size (random nonces are safe at this size).</summary>
    public const int AeadNonceBytes = 24;

    /// <summary>XChaCha20-Poly1305 authentication tag size.</summary>
    public const int AeadTagBytes = 16;

    /// <summary>The message when the native library cannot be found.</summary>
    public const string MissingMessage =
        "libsodium not found: install libsodium23 (Debian/Ubuntu: apt-get install libsodium23; macOS: brew install libsodium)";

    private const string LibraryName = "libsodium";

    private static readonly string[] s_candidates = ["libsodium.so.23", "libsodium.so", "libsodium.dylib", "libsodium.dll", "libsodium"];
    private static readonly Lock s_initLock = new();
    private static volatile bool s_initialized;
    private static bool s_resolverSet;
    private static nint s_handle;

    /// <summary>Loads libsodium and runs <c>sodium_init</c> once.</summary>
    /// <exception cref="DllNotFoundException">libsodium is not installed.</exception>
    /// <exception cref="InvalidOperationException"><c>sodium_init</c> failed.</exception>
    public static void EnsureInitialized()
    {
        if (!s_initialized)
        {
            Initialize();
        }
    }

    /// <summary>Whether libsodium can be loaded on this machine.</summary>
    public static bool IsAvailable
    {
        get
        {
            try
            {
                EnsureInitialized();
                return true;
            }
            catch (DllNotFoundException)
            {
                return false;
            }
        }
    }

    /// <summary>Derives an Ed25519 key pair from a 32-byte seed.</summary>
    public static void Ed25519SeedKeypair(ReadOnlySpan<byte> seed, Span<byte> publicKey, Span<byte> secretKey)
    {
        RequireLength(seed, Ed25519SeedBytes, nameof(seed));
        RequireLength(publicKey, Ed25519PublicKeyBytes, nameof(publicKey));
        RequireLength(secretKey, Ed25519SecretKeyBytes, nameof(secretKey));
        EnsureInitialized();
        Check(CryptoSignSeedKeypair(publicKey, secretKey, seed), "crypto_sign_seed_keypair");
    }

    /// <summary>Signs <paramref name="message"/> with a 64-byte Ed25519 secret key.</summary>
    public static void Ed25519Sign(Span<byte> signature, ReadOnlySpan<byte> message, ReadOnlySpan<byte> secretKey)
    {
        RequireLength(signature, Ed25519SignatureBytes, nameof(signature));
        RequireLength(secretKey, Ed25519SecretKeyBytes, nameof(secretKey));
        EnsureInitialized();
        Check(CryptoSignDetached(signature, out _, message, (ulong)message.Length, secretKey), "crypto_sign_detached");
    }

    /// <summary>Verifies an Ed25519 signature; wrong sizes are simply invalid.</summary>
    /// <exception cref="DllNotFoundException">libsodium is not installed.</exception>
    public static bool Ed25519Verify(ReadOnlySpan<byte> signature, ReadOnlySpan<byte> message, ReadOnlySpan<byte> publicKey)
    {
        if (signature.Length != Ed25519SignatureBytes || publicKey.Length != Ed25519PublicKeyBytes)
        {
            return false;
        }

        EnsureInitialized();
        return CryptoSignVerifyDetached(signature, message, (ulong)message.Length, publicKey) == 0;
    }

    /// <summary>
    /// Argon2id (<c>crypto_pwhash</c> with <c>ALG_ARGON2ID13</c>): fills <paramref name="output"/> with a key
    /// derived from <paramref name="password"/> and a 16-byte <paramref name="salt"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">libsodium refused (limits out of range or out of memory).</exception>
    public static void PwHashArgon2id(Span<byte> output, ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, ulong opsLimit, ulong memLimit)
    {
        RequireLength(salt, PwHashSaltBytes, nameof(salt));
        if (output.Length < 16)
        {
            throw new ArgumentException("crypto_pwhash output must be at least 16 bytes", nameof(output));
        }

        EnsureInitialized();
        Check(
            CryptoPwHash(output, (ulong)output.Length, password, (ulong)password.Length, salt, opsLimit, (nuint)memLimit, PwHashAlgArgon2id13),
            "crypto_pwhash (Argon2id; limits out of range or out of memory)");
    }

    /// <summary>XChaCha20-Poly1305-IETF encryption; <paramref name="ciphertext"/> is plaintext length + 16.</summary>
    public static void AeadEncrypt(Span<byte> ciphertext, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> key)
    {
        RequireLength(ciphertext, plaintext.Length + AeadTagBytes, nameof(ciphertext));
        RequireLength(nonce, AeadNonceBytes, nameof(nonce));
        RequireLength(key, AeadKeyBytes, nameof(key));
        EnsureInitialized();
        Check(
            CryptoAeadEncrypt(ciphertext, out _, plaintext, (ulong)plaintext.Length, associatedData, (ulong)associatedData.Length, 0, nonce, key),
            "crypto_aead_xchacha20poly1305_ietf_encrypt");
    }

    /// <summary>XChaCha20-Poly1305-IETF decryption; false when the tag does not verify (wrong key, tampered data).</summary>
    public static bool AeadDecrypt(Span<byte> plaintext, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> key)
    {
        if (ciphertext.Length < AeadTagBytes)
        {
            return false;
        }

        RequireLength(plaintext, ciphertext.Length - AeadTagBytes, nameof(plaintext));
        RequireLength(nonce, AeadNonceBytes, nameof(nonce));
        RequireLength(key, AeadKeyBytes, nameof(key));
        EnsureInitialized();
        return CryptoAeadDecrypt(plaintext, out _, 0, ciphertext, (ulong)ciphertext.Length, associatedData, (ulong)associatedData.Length, nonce, key) == 0;
    }

    /// <summary>Fills <paramref name="buffer"/> with cryptographically secure random bytes.</summary>
    public static void RandomBytes(Span<byte> buffer)
    {
        EnsureInitialized();
        RandomBytesBuf(buffer, (nuint)buffer.Length);
    }

    /// <summary>Zeroes <paramref name="buffer"/> in a way the compiler does not elide.</summary>
    public static void MemZero(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return;
        }

        EnsureInitialized();
        SodiumMemZero(buffer, (nuint)buffer.Length);
    }

    private static void Initialize()
    {
        lock (s_initLock)
        {
            if (s_initialized)
            {
                return;
            }

            if (!s_resolverSet)
            {
                try
                {
                    NativeLibrary.SetDllImportResolver(typeof(Sodium).Assembly, Resolve);
                }
                catch (InvalidOperationException)
                {
                    // Another resolver is already registered for this assembly; it will be asked instead.
                }

                s_resolverSet = true;
            }

            if (s_handle == 0 && !TryLoad(typeof(Sodium).Assembly, out s_handle))
            {
                throw new DllNotFoundException(MissingMessage);
            }

            // 0 = initialized now, 1 = already initialized; -1 = failure.
            if (SodiumInit() < 0)
            {
                throw new InvalidOperationException("sodium_init failed");
            }

            s_initialized = true;
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != LibraryName)
        {
            return 0;
        }

        if (s_handle == 0)
        {
            TryLoad(assembly, out s_handle);
        }

        return s_handle;
    }

    private static bool TryLoad(Assembly assembly, out nint handle)
    {
        foreach (var name in s_candidates)
        {
            if (NativeLibrary.TryLoad(name, assembly, null, out handle))
            {
                return true;
            }
        }

        handle = 0;
        return false;
    }

    private static void RequireLength(ReadOnlySpan<byte> buffer, int length, string name)
    {
        if (buffer.Length != length)
        {
            throw new ArgumentException($"{name} must be {length} bytes, not {buffer.Length}", name);
        }
    }

    private static void Check(int result, string function)
    {
        if (result != 0)
        {
            throw new InvalidOperationException(function + " failed");
        }
    }

    [LibraryImport(LibraryName, EntryPoint = "sodium_init")]
    private static partial int SodiumInit();

    [LibraryImport(LibraryName, EntryPoint = "crypto_sign_seed_keypair")]
    private static partial int CryptoSignSeedKeypair(Span<byte> pk, Span<byte> sk, ReadOnlySpan<byte> seed);

    [LibraryImport(LibraryName, EntryPoint = "crypto_sign_detached")]
    private static partial int CryptoSignDetached(Span<byte> sig, out ulong siglen, ReadOnlySpan<byte> m, ulong mlen, ReadOnlySpan<byte> sk);

    [LibraryImport(LibraryName, EntryPoint = "crypto_sign_verify_detached")]
    private static partial int CryptoSignVerifyDetached(ReadOnlySpan<byte> sig, ReadOnlySpan<byte> m, ulong mlen, ReadOnlySpan<byte> pk);

    [LibraryImport(LibraryName, EntryPoint = "crypto_pwhash")]
    private static partial int CryptoPwHash(
        Span<byte> output, ulong outlen, ReadOnlySpan<byte> passwd, ulong passwdlen, ReadOnlySpan<byte> salt, ulong opslimit, nuint memlimit, int alg);

    [LibraryImport(LibraryName, EntryPoint = "crypto_aead_xchacha20poly1305_ietf_encrypt")]
    private static partial int CryptoAeadEncrypt(
        Span<byte> c, out ulong clen, ReadOnlySpan<byte> m, ulong mlen, ReadOnlySpan<byte> ad, ulong adlen, nint nsec, ReadOnlySpan<byte> npub, ReadOnlySpan<byte> k);

    [LibraryImport(LibraryName, EntryPoint = "crypto_aead_xchacha20poly1305_ietf_decrypt")]
    private static partial int CryptoAeadDecrypt(
        Span<byte> m, out ulong mlen, nint nsec, ReadOnlySpan<byte> c, ulong clen, ReadOnlySpan<byte> ad, ulong adlen, ReadOnlySpan<byte> npub, ReadOnlySpan<byte> k);

    [LibraryImport(LibraryName, EntryPoint = "randombytes_buf")]
    private static partial void RandomBytesBuf(Span<byte> buf, nuint size);

    [LibraryImport(LibraryName, EntryPoint = "sodium_memzero")]
    private static partial void SodiumMemZero(Span<byte> pnt, nuint len);
}
