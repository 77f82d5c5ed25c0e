using System.Security.Cryptography;

namespace Tuf.Signing;

/// <summary>
/// A role after signing: the payload, its signatures, the canonical bytes they cover and the exact bytes of the
/// metadata file. Snapshot and timestamp describe a role by the length and hash of <see cref="FileBytes"/>, and
/// <see cref="FileBytes"/> is what gets written, so the two can never disagree.
/// </summary>
/// <typeparam name="T">The role type.</typeparam>
public sealed class SignedRole<T>
    where T : Signed
{
    private SignedRole(T signed, IReadOnlyList<Signature> signatures, ReadOnlyMemory<byte> signedBytes, byte[] fileBytes)
    {
        Signed = signed;
        Signatures = signatures;
        SignedBytes = signedBytes;
        FileBytes = fileBytes;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(fileBytes));
    }

    /// <summary>The payload.</summary>
    public T Signed { get; }

    /// <summary>The signatures, in file order.</summary>
    public IReadOnlyList<Signature> Signatures { get; }

    /// <summary>The canonical JSON of <see cref="Signed"/>, which the signatures cover.</summary>
    public ReadOnlyMemory<byte> SignedBytes { get; }

    /// <summary>The bytes of the metadata file.</summary>
    public ReadOnlyMemory<byte> FileBytes { get; }

    /// <summary>The SHA-256 of <see cref="FileBytes"/>, lowercase hex.</summary>
    public string Sha256 { get; }

    /// <summary>Wraps a payload and signatures already made over <paramref name="signedBytes"/>.</summary>
    /// <remarks>The file is laid out from <paramref name="signedBytes"/> when their characters allow (no second encoding of a large role).</remarks>
    internal static SignedRole<T> FromSignatures(T signed, IReadOnlyList<Signature> signatures, ReadOnlyMemory<byte> signedBytes, MetadataFileFormat format) =>
        new(signed, signatures, signedBytes, MetadataWriter.TryFileBytes(signedBytes, signatures, format) ?? MetadataWriter.ToFileBytes(signed, signatures, format));

    internal static async Task<Signature> CreateSignatureAsync(ISigner signer, ReadOnlyMemory<byte> signedBytes, CancellationToken cancellationToken)
    {
        byte[] sig = await signer.SignAsync(signedBytes, cancellationToken).ConfigureAwait(false);
        return new Signature(signer.KeyId, Convert.ToHexStringLower(sig));
    }

    /// <summary>What snapshot or timestamp lists for this file: version, length and SHA-256 of the exact bytes.</summary>
    internal MetaFile ToMetaFile() => new()
    {
        Version = Signed.Version,
        Length = FileBytes.Length,
        Hashes = new Dictionary<string, string>(StringComparer.Ordinal) { ["sha256"] = Sha256 },
    };
}
