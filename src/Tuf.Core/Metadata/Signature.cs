namespace Tuf;

/// <summary>One entry of an envelope's <c>signatures</c>: a key ID and a hex signature.</summary>
/// <param name="KeyId">The key ID the signature claims.</param>
/// <param name="Sig">The signature as lowercase hex (may be empty: a placeholder that never counts).</param>
public sealed record Signature(string KeyId, string Sig);
