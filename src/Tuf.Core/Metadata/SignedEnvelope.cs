using System.Text.Json;

namespace Tuf;

/// <summary>
/// A metadata file: the <c>signed</c> payload, its signatures and the exact canonical bytes the
/// signatures cover (the canonical form of <c>signed</c> as received, unknown fields included).
/// </summary>
/// <typeparam name="T">The role type.</typeparam>
public sealed class SignedEnvelope<T>
    where T : Signed
{
    /// <summary>Creates an envelope.</summary>
    /// <param name="signed">The payload.</param>
    /// <param name="signatures">The signatures, as listed.</param>
    /// <param name="signedBytes">The canonical bytes of <paramref name="signed"/> that the signatures cover.</param>
    public SignedEnvelope(T signed, IList<Signature> signatures, ReadOnlyMemory<byte> signedBytes)
    {
        Signed = signed;
        Signatures = signatures;
        SignedBytes = signedBytes;
    }

    /// <summary>The payload.</summary>
    public T Signed { get; }

    /// <summary>The signatures, in the order listed (duplicates kept; they count once).</summary>
    public IList<Signature> Signatures { get; }

    /// <summary>The canonical JSON bytes of the <c>signed</c> object that signatures cover.</summary>
    public ReadOnlyMemory<byte> SignedBytes { get; }

    /// <summary>Top-level fields other than <c>signed</c> and <c>signatures</c>.</summary>
    public IDictionary<string, JsonElement> UnrecognizedFields { get; init; } = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
}
