namespace Tuf.Notary;

/// <summary>A signature in Notary's form: <c>{"keyid", "method", "sig"}</c> with the signature bytes decoded from base64.</summary>
/// <param name="KeyId">The signing key's ID.</param>
/// <param name="Method">The method (<c>ecdsa</c>, <c>eddsa</c>, <c>rsapss</c>, <c>rsapkcs1v15</c>), lowercase.</param>
/// <param name="Value">The signature bytes.</param>
public sealed record NotarySignature(string KeyId, string Method, byte[] Value);

/// <summary>A role's keys and threshold: a top-level role in root, or a delegation in a targets role.</summary>
/// <param name="Name">The role name (<c>root</c>, <c>targets</c>, <c>targets/releases</c>, ...).</param>
/// <param name="KeyIds">The authorized key IDs.</param>
/// <param name="Threshold">How many of them must sign (at least 1).</param>
/// <param name="Paths">For a delegation: the target name prefixes it may sign (<c>""</c> = every name).</param>
public sealed record NotaryRole(string Name, IReadOnlyList<string> KeyIds, int Threshold, IReadOnlyList<string> Paths)
{
    /// <summary>Whether the delegation may sign <paramref name="targetName"/> (one of its paths is a prefix of it).</summary>
    /// <param name="targetName">The target name.</param>
    /// <returns>Whether a path prefix matches.</returns>
    public bool MaySign(string targetName) => Paths.Any(p => targetName.StartsWith(p, StringComparison.Ordinal));
}

/// <summary>A file's length and hashes (a target, or a role in snapshot/timestamp meta), hashes decoded from base64.</summary>
/// <param name="Length">The length in bytes.</param>
/// <param name="Hashes">Digests by algorithm (<c>sha256</c>, <c>sha512</c>).</param>
public sealed record NotaryFileMeta(long Length, IReadOnlyDictionary<string, byte[]> Hashes)
{
    /// <summary>The SHA-256 as lowercase hex (how Notary names content-addressed files and how <c>notary list</c> shows digests).</summary>
    public string? Sha256Hex => Hashes.TryGetValue("sha256", out var h) ? Convert.ToHexStringLower(h) : null;
}
