namespace Tuf.Core.Tests.Crypto;

/// <summary>
/// The parts of a real metadata file the signature tests need: the canonical bytes of <c>signed</c>, the signatures,
/// and (for roots and delegating targets) keys and roles.
/// </summary>
/// <remarks>Read with the library's own strict parser, so the signed bytes are its canonical encoding of <c>signed</c> as received.</remarks>
internal sealed record RealMetadata(byte[] SignedBytes, IList<Signature> Signatures, IDictionary<string, Key> Keys, Dictionary<string, Role> Roles)
{
    public static RealMetadata Load(string path)
    {
        var envelope = MetadataParser.Parse<Signed>(File.ReadAllBytes(path), Path.GetFileName(path));
        IDictionary<string, Key> keys = new Dictionary<string, Key>(StringComparer.Ordinal);
        var roles = new Dictionary<string, Role>(StringComparer.Ordinal);
        switch (envelope.Signed)
        {
            case Root root:
                keys = root.Keys;
                foreach (var (name, role) in root.Roles)
                {
                    roles[name] = role;
                }

                break;
            case Targets { Delegations: { } delegations }:
                keys = delegations.Keys;
                foreach (var role in delegations.Roles ?? [])
                {
                    roles[role.Name] = role;
                }

                break;
        }

        return new RealMetadata(envelope.SignedBytes.ToArray(), envelope.Signatures, keys, roles);
    }

    public int Count(RealMetadata signer, string role) => ThresholdVerifier.CountValid(SignedBytes, Signatures, signer.Roles[role], signer.Keys);
}
