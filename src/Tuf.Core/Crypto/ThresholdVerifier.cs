namespace Tuf;

/// <summary>Counts valid signatures from distinct authorized keys and enforces a role's threshold.</summary>
internal static class ThresholdVerifier
{
    /// <summary>
    /// The number of distinct authorized keys with a valid signature over <paramref name="signedBytes"/>.
    /// A key ID listed twice counts once; the same public key under two key IDs counts once; signatures by
    /// unlisted key IDs, empty or non-hex signatures and unknown schemes do not count.
    /// </summary>
    public static int CountValid(ReadOnlySpan<byte> signedBytes, IEnumerable<Signature> signatures, Role role, IDictionary<string, Key> keys)
        => throw new NotImplementedException();

    /// <summary>Throws <see cref="UnsignedMetadataException"/> for <paramref name="roleName"/> when fewer than <c>role.Threshold</c> valid signatures exist.</summary>
    public static void Verify(string roleName, ReadOnlySpan<byte> signedBytes, IEnumerable<Signature> signatures, Role role, IDictionary<string, Key> keys)
        => throw new NotImplementedException();
}
