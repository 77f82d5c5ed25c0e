using Tuf.Internal;

namespace Tuf;

/// <summary>Counts valid signatures from distinct authorized keys and enforces a role's threshold.</summary>
public static class ThresholdVerifier
{
    // Signatures larger than this (ML-DSA-87 is 4627 bytes, RSA-16384 2048) are invalid for every scheme we know.
    private const int MaxSignatureBytes = 8192;

    // Ed25519 (64), ECDSA (<= 104) and RSA up to 4096 bits decode on the stack.
    private const int StackSignatureBytes = 512;

    /// <summary>
    /// The number of distinct authorized keys with a valid signature over <paramref name="signedBytes"/>.
    /// A key ID listed twice counts once; the same public key under two key IDs counts once; signatures by
    /// unlisted key IDs, empty or non-hex signatures and unknown schemes do not count.
    /// </summary>
    public static int CountValid(ReadOnlySpan<byte> signedBytes, IEnumerable<Signature> signatures, Role role, IDictionary<string, Key> keys)
        => Count(signedBytes, signatures, role, keys, int.MaxValue);

    /// <summary>Throws <see cref="UnsignedMetadataException"/> for <paramref name="roleName"/> when fewer than <c>role.Threshold</c> valid signatures exist.</summary>
    public static void Verify(string roleName, ReadOnlySpan<byte> signedBytes, IEnumerable<Signature> signatures, Role role, IDictionary<string, Key> keys)
    {
        ArgumentNullException.ThrowIfNull(role);

        RequireUniqueKeyIds(roleName, signatures);

        // A threshold below 1 would accept unsigned metadata; the parser rejects it, and so does this check.
        int threshold = role.Threshold;
        int valid = threshold < 1 ? 0 : Count(signedBytes, signatures, role, keys, threshold);
        if (threshold < 1 || valid < threshold)
        {
            throw new UnsignedMetadataException(roleName, threshold, valid);
        }
    }

    /// <summary>
    /// "The keyid MUST be unique in the signatures array": the parser refuses such metadata, and so does every
    /// verification, whatever built the list.
    /// </summary>
    private static void RequireUniqueKeyIds(string roleName, IEnumerable<Signature> signatures)
    {
        ArgumentNullException.ThrowIfNull(signatures);
        HashSet<string>? seen = null;
        foreach (var signature in signatures)
        {
            if (signature?.KeyId is { } keyId && !(seen ??= new HashSet<string>(StringComparer.Ordinal)).Add(keyId))
            {
                throw new DeserializationException($"{ErrorText.Untrusted(roleName)}: signatures: keyid {ErrorText.Untrusted(keyId)} is listed more than once; a key ID must be unique in the signatures array");
            }
        }
    }

    /// <summary>Counts up to <paramref name="stopAt"/>: once the threshold is met, further signatures cannot change the outcome.</summary>
    private static int Count(ReadOnlySpan<byte> signedBytes, IEnumerable<Signature> signatures, Role role, IDictionary<string, Key> keys, int stopAt)
    {
        ArgumentNullException.ThrowIfNull(signatures);
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(keys);

        var authorized = role.KeyIds as ICollection<string> ?? role.KeyIds.ToList();
        HashSet<string>? countedKeyIds = null;
        HashSet<string>? countedIdentities = null;
        int count = 0;
        Span<byte> stackBuffer = stackalloc byte[StackSignatureBytes];
        byte[]? heapBuffer = null;
        foreach (var signature in signatures)
        {
            if (signature?.KeyId is null || signature.Sig is null)
            {
                continue;
            }

            string keyId = signature.KeyId;
            if (!authorized.Contains(keyId)
                || (countedKeyIds is not null && countedKeyIds.Contains(keyId))
                || !keys.TryGetValue(keyId, out var key) || key is null)
            {
                continue;
            }

            string sigHex = signature.Sig;
            int sigLength = sigHex.Length / 2;
            if (sigHex.Length == 0 || sigLength > MaxSignatureBytes)
            {
                continue;
            }

            var sigBytes = sigLength <= StackSignatureBytes
                ? stackBuffer[..sigLength]
                : (heapBuffer ??= new byte[MaxSignatureBytes]).AsSpan(0, sigLength);
            if (!Hex.TryDecode(sigHex, sigBytes))
            {
                continue;
            }

            var verifier = key.GetVerifier();
            if (verifier is null || (countedIdentities is not null && countedIdentities.Contains(verifier.Identity))
                || !key.Verify(signedBytes, sigBytes))
            {
                continue;
            }

            (countedKeyIds ??= new HashSet<string>(StringComparer.Ordinal)).Add(keyId);
            (countedIdentities ??= new HashSet<string>(StringComparer.Ordinal)).Add(verifier.Identity);
            if (++count >= stopAt)
            {
                break;
            }
        }

        return count;
    }
}
