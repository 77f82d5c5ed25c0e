using System.Globalization;
using System.Text.Json;
using Tuf.Internal;

namespace Tuf.Notary;

/// <summary>
/// One Notary (TUF dialect of Notary v1 and Docker Content Trust) metadata file, parsed strictly: <c>_type</c>
/// <c>Root</c>/<c>Targets</c>/<c>Snapshot</c>/<c>Timestamp</c>, base64 keys, hashes and signatures, delegations
/// named by path with path prefixes, snapshot and timestamp meta without versions. <see cref="SignedBytes"/> is the
/// canonical re-encoding of <c>signed</c>, what Notary's signatures cover.
/// </summary>
public sealed class NotaryMetadata
{
    /// <summary>The deepest JSON nesting accepted (Notary metadata nests about 6 deep).</summary>
    public const int MaxDepth = 16;

    private static readonly string[] TopLevelRoles = ["root", "targets", "snapshot", "timestamp"];

    private NotaryMetadata(string type, long version, DateTimeOffset expires, byte[] signedBytes, IReadOnlyList<NotarySignature> signatures)
    {
        Type = type;
        Version = version;
        Expires = expires;
        SignedBytes = signedBytes;
        Signatures = signatures;
    }

    /// <summary>The <c>_type</c>: <c>Root</c>, <c>Targets</c>, <c>Snapshot</c> or <c>Timestamp</c>.</summary>
    public string Type { get; }

    /// <summary>The version (at least 1).</summary>
    public long Version { get; }

    /// <summary>When the metadata expires.</summary>
    public DateTimeOffset Expires { get; }

    /// <summary>The canonical bytes of <c>signed</c>.</summary>
    public byte[] SignedBytes { get; }

    /// <summary>The signatures.</summary>
    public IReadOnlyList<NotarySignature> Signatures { get; }

    /// <summary>Root: the keys by ID; Targets: the delegation keys by ID.</summary>
    public IReadOnlyDictionary<string, NotaryKey> Keys { get; private init; } = new Dictionary<string, NotaryKey>();

    /// <summary>Root: the top-level roles by name.</summary>
    public IReadOnlyDictionary<string, NotaryRole> Roles { get; private init; } = new Dictionary<string, NotaryRole>();

    /// <summary>Targets: the delegated roles, in order.</summary>
    public IReadOnlyList<NotaryRole> Delegations { get; private init; } = [];

    /// <summary>Targets: the targets by name.</summary>
    public IReadOnlyDictionary<string, NotaryFileMeta> Targets { get; private init; } = new Dictionary<string, NotaryFileMeta>();

    /// <summary>Snapshot and timestamp: the listed roles' lengths and hashes, by role name (no <c>.json</c>).</summary>
    public IReadOnlyDictionary<string, NotaryFileMeta> Meta { get; private init; } = new Dictionary<string, NotaryFileMeta>();

    /// <summary>Root: <c>consistent_snapshot</c>.</summary>
    public bool ConsistentSnapshot { get; private init; }

    /// <summary>Parses a metadata file of the given type.</summary>
    /// <param name="data">The file.</param>
    /// <param name="expectedType"><c>Root</c>, <c>Targets</c>, <c>Snapshot</c> or <c>Timestamp</c>.</param>
    /// <param name="source">A name for messages (e.g. <c>targets/releases.json</c>).</param>
    /// <returns>The metadata.</returns>
    /// <exception cref="DeserializationException">Not valid Notary metadata of that type (the message names the field).</exception>
    public static NotaryMetadata Parse(ReadOnlyMemory<byte> data, string expectedType, string source)
    {
        ArgumentNullException.ThrowIfNull(expectedType);
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            using var doc = JsonDocument.Parse(data, new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = MaxDepth });
            return Read(doc.RootElement, expectedType);
        }
        catch (JsonException ex)
        {
            throw new DeserializationException($"{ErrorText.Untrusted(source)}: not valid JSON: {ex.Message}", ex);
        }
        catch (FormatException ex)
        {
            throw new DeserializationException($"{ErrorText.Untrusted(source)}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The canonical form Notary signs of a JSON value (sorted keys, no whitespace, only <c>"</c> and <c>\</c>
    /// escaped): what a Notary signer signs for a <c>signed</c> object it wrote itself.
    /// </summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The canonical bytes.</returns>
    /// <exception cref="FormatException">Not JSON, or a number that is not an integer.</exception>
    public static byte[] Canonicalize(ReadOnlyMemory<byte> json)
    {
        try
        {
            return CanonicalJson.Encode(json.Span);
        }
        catch (DeserializationException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
    }

    /// <summary>
    /// Throws unless a threshold of <paramref name="role"/>'s keys (from <paramref name="keys"/>) signed this file;
    /// a key counts once however many key IDs or signatures name it.
    /// </summary>
    /// <param name="role">The role whose keys must sign.</param>
    /// <param name="keys">The keys by ID.</param>
    /// <param name="keyFilter">Only keys this accepts count (e.g. root certificates for the collection), when given.</param>
    /// <exception cref="UnsignedMetadataException">Fewer than the threshold of valid signatures.</exception>
    public void VerifySignatures(NotaryRole role, IReadOnlyDictionary<string, NotaryKey> keys, Func<NotaryKey, bool>? keyFilter = null)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(keys);
        int valid = CountValidSignatures(role, keys, keyFilter);
        if (role.Threshold < 1 || valid < role.Threshold)
        {
            throw new UnsignedMetadataException($"{ErrorText.Untrusted(role.Name)}: {valid} valid signature(s) of the {role.Threshold} required");
        }
    }

    /// <summary>The number of distinct authorized keys with a valid signature.</summary>
    /// <param name="role">The role whose keys count.</param>
    /// <param name="keys">The keys by ID.</param>
    /// <param name="keyFilter">Only keys this accepts count, when given.</param>
    /// <returns>The count.</returns>
    public int CountValidSignatures(NotaryRole role, IReadOnlyDictionary<string, NotaryKey> keys, Func<NotaryKey, bool>? keyFilter = null)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(keys);
        var authorized = role.KeyIds.ToHashSet(StringComparer.Ordinal);
        var counted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var signature in Signatures)
        {
            if (authorized.Contains(signature.KeyId) && keys.TryGetValue(signature.KeyId, out var key)
                && (keyFilter is null || keyFilter(key)) && key.PhysicalIdentity is { } identity
                && !counted.Contains(identity) && key.Verify(signature.Method, SignedBytes, signature.Value))
            {
                counted.Add(identity);
            }
        }

        return counted.Count;
    }

    private static NotaryMetadata Read(JsonElement root, string expectedType)
    {
        Require(root.ValueKind == JsonValueKind.Object, "the file is not a JSON object");
        var signed = Property(root, "signed", JsonValueKind.Object, "");
        var signaturesElement = Property(root, "signatures", JsonValueKind.Array, "");
        string type = Property(signed, "_type", JsonValueKind.String, "signed.").GetString()!;
        Require(type == expectedType, $"signed._type is '{ErrorText.Untrusted(type)}', expected '{expectedType}'");
        long version = Integer(signed, "version", "signed.");
        Require(version >= 1, "signed.version must be at least 1");
        var expires = Time(Property(signed, "expires", JsonValueKind.String, "signed.").GetString()!);

        var signatures = new List<NotarySignature>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in signaturesElement.EnumerateArray())
        {
            Require(s.ValueKind == JsonValueKind.Object, "signatures: an entry is not an object");
            string keyId = Property(s, "keyid", JsonValueKind.String, "signatures[].").GetString()!;
            string method = Property(s, "method", JsonValueKind.String, "signatures[].").GetString()!.ToLowerInvariant();
            byte[] sig = Base64(Property(s, "sig", JsonValueKind.String, "signatures[].").GetString()!, "signatures[].sig");
            Require(seen.Add(keyId + "\n" + method), $"signatures: key ID {ErrorText.Untrusted(keyId)} signs twice");
            signatures.Add(new NotarySignature(keyId, method, sig));
        }

        // Notary signs the same canonical form TUF 1.0 does (docker/go's canonical JSON: sorted keys, only '"' and
        // '\' escaped, integers); its files are written by Go's ordinary encoder, which escapes '<', '>', '&' as
        // \u003c..., so signatures are checked over the re-encoded object, as Notary does, not the bytes received.
        byte[] signedBytes;
        try
        {
            signedBytes = CanonicalJson.Encode(signed);
        }
        catch (DeserializationException ex)
        {
            throw new FormatException($"signed: {ex.Message}", ex);
        }

        var common = new NotaryMetadata(type, version, expires, signedBytes, signatures);
        return type switch
        {
            "Root" => ReadRoot(signed, common),
            "Targets" => ReadTargets(signed, common),
            "Snapshot" or "Timestamp" => new NotaryMetadata(type, version, expires, signedBytes, signatures) { Meta = ReadMeta(signed, type) },
            _ => throw new FormatException($"signed._type '{ErrorText.Untrusted(type)}' is not a Notary role type"),
        };
    }

    private static NotaryMetadata ReadRoot(JsonElement signed, NotaryMetadata common)
    {
        var keys = ReadKeys(Property(signed, "keys", JsonValueKind.Object, "signed.").EnumerateObject(), "signed.keys");
        var roles = new Dictionary<string, NotaryRole>(StringComparer.Ordinal);
        foreach (var r in Property(signed, "roles", JsonValueKind.Object, "signed.").EnumerateObject())
        {
            roles[r.Name] = ReadRole(r.Value, r.Name, $"signed.roles.{ErrorText.Untrusted(r.Name)}", keys, delegation: false);
        }

        foreach (var name in TopLevelRoles)
        {
            Require(roles.ContainsKey(name), $"signed.roles: the {name} role is missing");
        }

        bool consistent = signed.TryGetProperty("consistent_snapshot", out var c) && (c.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? c.GetBoolean()
            : throw new FormatException("signed.consistent_snapshot must be true or false"));
        return new NotaryMetadata(common.Type, common.Version, common.Expires, common.SignedBytes, common.Signatures) { Keys = keys, Roles = roles, ConsistentSnapshot = consistent };
    }

    private static NotaryMetadata ReadTargets(JsonElement signed, NotaryMetadata common)
    {
        var targets = new Dictionary<string, NotaryFileMeta>(StringComparer.Ordinal);
        foreach (var t in ObjectOrNull(signed, "targets", "signed."))
        {
            targets[t.Name] = ReadFileMeta(t.Value, $"signed.targets[{ErrorText.Untrusted(t.Name)}]", requireSha256: true);
        }

        var keys = new Dictionary<string, NotaryKey>(StringComparer.Ordinal);
        var delegations = new List<NotaryRole>();
        if (signed.TryGetProperty("delegations", out var d) && d.ValueKind != JsonValueKind.Null)
        {
            Require(d.ValueKind == JsonValueKind.Object, "signed.delegations must be an object");
            // Go writes an emptied slice or map as null (notary after its last delegation is removed: "roles": null).
            keys = ReadKeys(ObjectOrNull(d, "keys", "signed.delegations."), "signed.delegations.keys");
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var r in ArrayOrNull(d, "roles", "signed.delegations."))
            {
                Require(r.ValueKind == JsonValueKind.Object, "signed.delegations.roles: an entry is not an object");
                string name = Property(r, "name", JsonValueKind.String, "signed.delegations.roles[].").GetString()!;
                var role = ReadRole(r, name, $"signed.delegations.roles[{ErrorText.Untrusted(name)}]", keys, delegation: true);
                Require(names.Add(name), $"signed.delegations.roles: {ErrorText.Untrusted(name)} is listed twice");
                delegations.Add(role);
            }
        }

        return new NotaryMetadata(common.Type, common.Version, common.Expires, common.SignedBytes, common.Signatures) { Targets = targets, Keys = keys, Delegations = delegations };
    }

    private static Dictionary<string, NotaryFileMeta> ReadMeta(JsonElement signed, string type)
    {
        var meta = new Dictionary<string, NotaryFileMeta>(StringComparer.Ordinal);
        foreach (var m in Property(signed, "meta", JsonValueKind.Object, "signed.").EnumerateObject())
        {
            meta[m.Name] = ReadFileMeta(m.Value, $"signed.meta[{ErrorText.Untrusted(m.Name)}]", requireSha256: true);
        }

        if (type == "Timestamp")
        {
            Require(meta.ContainsKey("snapshot"), "signed.meta: the timestamp lists no snapshot");
        }
        else
        {
            Require(meta.ContainsKey("root") && meta.ContainsKey("targets"), "signed.meta: the snapshot must list root and targets");
        }

        return meta;
    }

    private static Dictionary<string, NotaryKey> ReadKeys(IEnumerable<JsonProperty> members, string where)
    {
        var keys = new Dictionary<string, NotaryKey>(StringComparer.Ordinal);
        foreach (var k in members)
        {
            string at = $"{where}[{ErrorText.Untrusted(k.Name)}]";
            Require(k.Value.ValueKind == JsonValueKind.Object, $"{at} is not an object");
            string keyType = Property(k.Value, "keytype", JsonValueKind.String, at + ".").GetString()!;
            var keyval = Property(k.Value, "keyval", JsonValueKind.Object, at + ".");
            byte[] publicValue = Base64(Property(keyval, "public", JsonValueKind.String, at + ".keyval.").GetString()!, at + ".keyval.public");
            Require(!keyval.TryGetProperty("private", out var priv) || priv.ValueKind == JsonValueKind.Null, $"{at}.keyval.private must be null: metadata never holds a private key");
            var key = new NotaryKey(keyType, publicValue);
            Require(key.Id == k.Name, $"{at}: the key ID is not the SHA-256 of the key ({key.Id})");
            keys[k.Name] = key;
        }

        return keys;
    }

    private static NotaryRole ReadRole(JsonElement element, string name, string where, Dictionary<string, NotaryKey> keys, bool delegation)
    {
        Require(element.ValueKind == JsonValueKind.Object, $"{where} is not an object");
        var keyIds = new List<string>();
        foreach (var id in Property(element, "keyids", JsonValueKind.Array, where + ".").EnumerateArray())
        {
            Require(id.ValueKind == JsonValueKind.String, $"{where}.keyids: an entry is not a string");
            string keyId = id.GetString()!;
            Require(keys.ContainsKey(keyId), $"{where}.keyids: {ErrorText.Untrusted(keyId)} is not among the keys");
            Require(!keyIds.Contains(keyId, StringComparer.Ordinal), $"{where}.keyids: {ErrorText.Untrusted(keyId)} is listed twice");
            keyIds.Add(keyId);
        }

        long threshold = Integer(element, "threshold", where + ".");
        Require(threshold >= 1 && threshold <= Math.Max(keyIds.Count, 1), $"{where}.threshold must be between 1 and the number of keys");
        var paths = new List<string>();
        if (delegation)
        {
            Require(name.StartsWith("targets/", StringComparison.Ordinal) && name.Length > 8 && !name.EndsWith('/') && !name.Contains("//", StringComparison.Ordinal),
                $"{where}: a delegated role is named targets/NAME");
            if (element.TryGetProperty("paths", out var p) && p.ValueKind != JsonValueKind.Null)
            {
                Require(p.ValueKind == JsonValueKind.Array, $"{where}.paths must be an array");
                foreach (var path in p.EnumerateArray())
                {
                    Require(path.ValueKind == JsonValueKind.String, $"{where}.paths: an entry is not a string");
                    paths.Add(path.GetString()!);
                }
            }

            Require(!element.TryGetProperty("path_hash_prefixes", out var h) || h.ValueKind == JsonValueKind.Null || h.GetArrayLength() == 0,
                $"{where}: path_hash_prefixes are not supported");
        }

        return new NotaryRole(name, keyIds, (int)threshold, paths);
    }

    private static NotaryFileMeta ReadFileMeta(JsonElement element, string where, bool requireSha256)
    {
        Require(element.ValueKind == JsonValueKind.Object, $"{where} is not an object");
        long length = Integer(element, "length", where + ".");
        Require(length >= 0, $"{where}.length must not be negative");
        var hashes = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var h in Property(element, "hashes", JsonValueKind.Object, where + ".").EnumerateObject())
        {
            Require(h.Value.ValueKind == JsonValueKind.String, $"{where}.hashes.{ErrorText.Untrusted(h.Name)} is not a string");
            byte[] digest = Base64(h.Value.GetString()!, $"{where}.hashes.{ErrorText.Untrusted(h.Name)}");
            int expected = h.Name switch { "sha256" => 32, "sha512" => 64, _ => -1 };
            Require(expected < 0 || digest.Length == expected, $"{where}.hashes.{h.Name} is not a {h.Name} digest");
            hashes[h.Name] = digest;
        }

        Require(!requireSha256 || hashes.ContainsKey("sha256"), $"{where}.hashes has no sha256");
        return new NotaryFileMeta(length, hashes);
    }

    private static JsonElement Property(JsonElement element, string name, JsonValueKind kind, string prefix)
    {
        Require(element.TryGetProperty(name, out var value), $"{prefix}{name} is missing");
        Require(value.ValueKind == kind, $"{prefix}{name} must be {Article(kind)}");
        return value;
    }

    /// <summary>The members of an object that may also be <c>null</c> (Go's empty map); missing is an error.</summary>
    private static List<JsonProperty> ObjectOrNull(JsonElement element, string name, string prefix)
    {
        Require(element.TryGetProperty(name, out var value), $"{prefix}{name} is missing");
        Require(value.ValueKind is JsonValueKind.Object or JsonValueKind.Null, $"{prefix}{name} must be an object");
        return value.ValueKind == JsonValueKind.Null ? [] : [.. value.EnumerateObject()];
    }

    /// <summary>The items of an array that may also be <c>null</c> (Go's empty slice); missing is an error.</summary>
    private static List<JsonElement> ArrayOrNull(JsonElement element, string name, string prefix)
    {
        Require(element.TryGetProperty(name, out var value), $"{prefix}{name} is missing");
        Require(value.ValueKind is JsonValueKind.Array or JsonValueKind.Null, $"{prefix}{name} must be an array");
        return value.ValueKind == JsonValueKind.Null ? [] : [.. value.EnumerateArray()];
    }

    private static long Integer(JsonElement element, string name, string prefix)
    {
        var value = Property(element, name, JsonValueKind.Number, prefix);
        Require(value.TryGetInt64(out long number), $"{prefix}{name} must be an integer");
        return number;
    }

    private static string Article(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        _ => "a number",
    };

    private static byte[] Base64(string text, string where)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new FormatException($"{where} is not base64");
        }
    }

    /// <summary>RFC 3339 with up to nine fractional digits (Go's RFC3339Nano); .NET keeps seven.</summary>
    internal static DateTimeOffset Time(string text)
    {
        string value = text;
        int dot = value.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            int end = dot + 1;
            while (end < value.Length && char.IsAsciiDigit(value[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                value = string.Concat(value.AsSpan(0, dot + 8), value.AsSpan(end));
            }
        }

        return DateTimeOffset.TryParseExact(value, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw new FormatException($"signed.expires '{ErrorText.Untrusted(text)}' is not an RFC 3339 time");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new FormatException(message);
        }
    }
}
