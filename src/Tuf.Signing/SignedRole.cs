namespace Tuf.Signing;

/// <summary>Signs payloads into <see cref="SignedRole{T}"/> values.</summary>
public static class SignedRole
{
    /// <summary>Signs <paramref name="signed"/> with every signer, in order.</summary>
    /// <param name="signed">The payload; not modified.</param>
    /// <param name="signers">The signers.</param>
    /// <param name="format">The layout of the file bytes.</param>
    /// <param name="cancellationToken">Cancels signing.</param>
    /// <returns>The signed role.</returns>
    /// <typeparam name="T">The role type.</typeparam>
    public static async Task<SignedRole<T>> SignAsync<T>(T signed, IEnumerable<ISigner> signers, MetadataFileFormat format = MetadataFileFormat.Indented, CancellationToken cancellationToken = default)
        where T : Signed
    {
        ArgumentNullException.ThrowIfNull(signed);
        ArgumentNullException.ThrowIfNull(signers);
        byte[] signedBytes = MetadataWriter.ToCanonicalBytes(signed);
        var signatures = new List<Signature>();
        foreach (var signer in signers)
        {
            signatures.RemoveAll(s => s.KeyId == signer.KeyId);
            signatures.Add(await SignedRole<T>.CreateSignatureAsync(signer, signedBytes, cancellationToken).ConfigureAwait(false));
        }

        return SignedRole<T>.FromSignatures(signed, signatures, signedBytes, format);
    }

}
