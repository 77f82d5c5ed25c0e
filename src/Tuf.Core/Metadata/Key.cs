using System.Text.Json;

namespace Tuf;

/// <summary>A public key as TUF metadata lists it: key type, signature scheme and public value.</summary>
public sealed partial class Key
{
    /// <summary>The key type, e.g. <c>ed25519</c>, <c>ecdsa</c>, <c>ecdsa-sha2-nistp256</c>, <c>rsa</c>.</summary>
    public required string KeyType { get; set; }

    /// <summary>The signature scheme, e.g. <c>ed25519</c>, <c>ecdsa-sha2-nistp256</c>, <c>rsassa-pss-sha256</c>.</summary>
    public required string Scheme { get; set; }

    /// <summary>The public value (<c>keyval.public</c>): hex for ed25519, PEM or hex for ECDSA, PEM for RSA.</summary>
    public required string Public { get; set; }

    /// <summary>Fields of <c>keyval</c> other than <c>public</c>.</summary>
    public IDictionary<string, JsonElement> KeyValUnrecognizedFields { get; set; } = new Dictionary<string, JsonElement>(StringComparer.Ordinal);

    /// <summary>Fields of the key object this library does not model (e.g. <c>keyid_hash_algorithms</c>, <c>x-tuf-on-ci-keyowner</c>).</summary>
    public IDictionary<string, JsonElement> UnrecognizedFields { get; set; } = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
}
