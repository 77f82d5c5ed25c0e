using System.Security.Cryptography;

namespace Tuf;

public sealed partial class Key
{
    /// <summary>The key ID the specification defines: lowercase hex SHA-256 of the key's canonical JSON.</summary>
    /// <returns>The key ID.</returns>
    public string ComputeKeyId() => Convert.ToHexStringLower(SHA256.HashData(MetadataWriter.ToCanonicalBytes(this)));
}
