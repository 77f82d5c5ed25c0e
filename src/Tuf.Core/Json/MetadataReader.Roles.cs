using System.Runtime.InteropServices;
using System.Text.Json;
using Tuf.Internal;

namespace Tuf;

internal static partial class MetadataReader
{
    private static readonly string[] TopLevelRoles = [Root.TypeName, Timestamp.TypeName, Snapshot.TypeName, Targets.TypeName];

    /// <summary>Maps the <c>signed</c> object of the given <paramref name="type"/> (already checked to be one of the four).</summary>
    public static Signed ReadSigned(JsonElement signed, string type) => type switch
    {
        Root.TypeName => ReadRoot(signed),
        Timestamp.TypeName => ReadTimestamp(signed),
        Snapshot.TypeName => ReadSnapshot(signed),
        _ => ReadTargets(signed),
    };

    /// <summary>Checks a spec version the way python-tuf does: two or three dot-separated numbers, major 1.</summary>
    public static bool IsSupportedSpecVersion(string specVersion)
    {
        var parts = specVersion.Split('.');
        if (parts.Length is not (2 or 3))
        {
            return false;
        }

        foreach (var part in parts)
        {
            if (part.Length == 0 || !part.All(char.IsAsciiDigit))
            {
                return false;
            }
        }

        return parts[0] == "1";
    }

    private static bool ReadCommon(JsonProperty p, Signed target, ref bool sawType, ref bool sawSpec, ref bool sawVersion, ref bool sawExpires)
    {
        if (p.NameEquals("_type"u8))
        {
            // The caller has checked the value already.
            sawType = true;
            return true;
        }

        if (p.NameEquals("spec_version"u8))
        {
            string spec = ReadString(p.Value, "spec_version");
            if (!IsSupportedSpecVersion(spec))
            {
                throw JsonPathException.Field("spec_version", "unsupported specification version \"" + ErrorText.Untrusted(spec) + "\" (the major version must be 1)");
            }

            target.SpecVersion = spec;
            sawSpec = true;
            return true;
        }

        if (p.NameEquals("version"u8))
        {
            target.Version = ReadInt64(p.Value, "version", 1);
            sawVersion = true;
            return true;
        }

        if (p.NameEquals("expires"u8))
        {
            string text = ReadString(p.Value, "expires");
            if (!Rfc3339Time.TryParse(text, out var expires))
            {
                throw JsonPathException.Field("expires", "\"" + ErrorText.Untrusted(text) + "\" is not a date-time like 2030-01-01T00:00:00Z");
            }

            target.Expires = expires;
            target.ReceivedExpires = (text, expires);
            sawExpires = true;
            return true;
        }

        return false;
    }

    private static void RequireCommon(bool sawType, bool sawSpec, bool sawVersion, bool sawExpires)
    {
        if (!sawType)
        {
            throw JsonPathException.Field("_type", "missing");
        }

        if (!sawSpec)
        {
            throw JsonPathException.Field("spec_version", "missing");
        }

        if (!sawVersion)
        {
            throw JsonPathException.Field("version", "missing");
        }

        if (!sawExpires)
        {
            throw JsonPathException.Field("expires", "missing");
        }
    }

    private static Root ReadRoot(JsonElement signed)
    {
        var root = new Root();
        bool sawType = false, sawSpec = false, sawVersion = false, sawExpires = false;
        JsonElement consistent = default, keys = default, roles = default;
        foreach (var p in signed.EnumerateObject())
        {
            if (ReadCommon(p, root, ref sawType, ref sawSpec, ref sawVersion, ref sawExpires))
            {
                continue;
            }

            if (p.NameEquals("consistent_snapshot"u8))
            {
                consistent = p.Value;
            }
            else if (p.NameEquals("keys"u8))
            {
                keys = p.Value;
            }
            else if (p.NameEquals("roles"u8))
            {
                roles = p.Value;
            }
            else
            {
                AddUnrecognized(root.UnrecognizedFields, p);
            }
        }

        RequireCommon(sawType, sawSpec, sawVersion, sawExpires);
        root.ConsistentSnapshot = ReadBool(consistent, "consistent_snapshot");
        root.Keys = ReadMap(keys, "keys", ReadKey);
        var roleMap = ReadMap(roles, "roles", static (_, value) => ReadRole(value));
        foreach (var name in TopLevelRoles)
        {
            if (!roleMap.ContainsKey(name))
            {
                throw JsonPathException.Field("roles", "the \"" + name + "\" role is missing");
            }
        }

        root.Roles = roleMap;
        return root;
    }

    private static Timestamp ReadTimestamp(JsonElement signed)
    {
        var timestamp = new Timestamp();
        bool sawType = false, sawSpec = false, sawVersion = false, sawExpires = false;
        JsonElement meta = default;
        foreach (var p in signed.EnumerateObject())
        {
            if (ReadCommon(p, timestamp, ref sawType, ref sawSpec, ref sawVersion, ref sawExpires))
            {
                continue;
            }

            if (p.NameEquals("meta"u8))
            {
                meta = p.Value;
            }
            else
            {
                AddUnrecognized(timestamp.UnrecognizedFields, p);
            }
        }

        RequireCommon(sawType, sawSpec, sawVersion, sawExpires);
        var entries = ReadMap(meta, "meta", static (_, value) => ReadMetaFile(value));
        if (!entries.Remove("snapshot.json", out var snapshotMeta))
        {
            throw JsonPathException.Field("meta", "must contain \"snapshot.json\"");
        }

        timestamp.SnapshotMeta = snapshotMeta;
        timestamp.OtherMeta = entries;
        return timestamp;
    }

    private static Snapshot ReadSnapshot(JsonElement signed)
    {
        var snapshot = new Snapshot();
        bool sawType = false, sawSpec = false, sawVersion = false, sawExpires = false;
        JsonElement meta = default;
        foreach (var p in signed.EnumerateObject())
        {
            if (ReadCommon(p, snapshot, ref sawType, ref sawSpec, ref sawVersion, ref sawExpires))
            {
                continue;
            }

            if (p.NameEquals("meta"u8))
            {
                meta = p.Value;
            }
            else
            {
                AddUnrecognized(snapshot.UnrecognizedFields, p);
            }
        }

        RequireCommon(sawType, sawSpec, sawVersion, sawExpires);
        snapshot.Meta = ReadMap(meta, "meta", static (_, value) => ReadMetaFile(value));
        return snapshot;
    }

    private static Targets ReadTargets(JsonElement signed)
    {
        var targets = new Targets();
        bool sawType = false, sawSpec = false, sawVersion = false, sawExpires = false;
        JsonElement files = default, delegations = default;
        foreach (var p in signed.EnumerateObject())
        {
            if (ReadCommon(p, targets, ref sawType, ref sawSpec, ref sawVersion, ref sawExpires))
            {
                continue;
            }

            if (p.NameEquals("targets"u8))
            {
                files = p.Value;
            }
            else if (p.NameEquals("delegations"u8))
            {
                delegations = p.Value;
            }
            else
            {
                AddUnrecognized(targets.UnrecognizedFields, p);
            }
        }

        RequireCommon(sawType, sawSpec, sawVersion, sawExpires);
        // The digests are part of the "targets" text, so its size bounds what the slab will hold.
        var slab = new Utf8Slab(files.ValueKind == JsonValueKind.Undefined ? 0 : JsonMarshal.GetRawUtf8Value(files).Length);
        targets.TargetFiles = ReadMap(files, "targets", (path, value) => ReadTargetFile(path, value, slab));
        if (delegations.ValueKind != JsonValueKind.Undefined)
        {
            try
            {
                targets.Delegations = ReadDelegations(RequireObject(delegations, "delegations"));
            }
            catch (JsonPathException ex) when (ex.AddSegment(".delegations"))
            {
                throw; // unreachable: the filter only records the path
            }
        }

        return targets;
    }

    private static JsonElement RequireObjectValue(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new JsonPathException("must be an object, not " + Describe(value));
        }

        return value;
    }

    private static Key ReadKey(string keyId, JsonElement value)
    {
        RequireObjectValue(value);
        JsonElement keyType = default, scheme = default, keyVal = default;
        var unknown = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in value.EnumerateObject())
        {
            if (p.NameEquals("keytype"u8))
            {
                keyType = p.Value;
            }
            else if (p.NameEquals("scheme"u8))
            {
                scheme = p.Value;
            }
            else if (p.NameEquals("keyval"u8))
            {
                keyVal = p.Value;
            }
            else
            {
                AddUnrecognized(unknown, p);
            }
        }

        string keyTypeText = ReadString(keyType, "keytype");
        string schemeText = ReadString(scheme, "scheme");
        RequireObject(keyVal, "keyval");
        JsonElement publicValue = default;
        var keyValUnknown = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in keyVal.EnumerateObject())
        {
            if (p.NameEquals("public"u8))
            {
                publicValue = p.Value;
            }
            else
            {
                AddUnrecognized(keyValUnknown, p);
            }
        }

        string publicText;
        try
        {
            publicText = ReadString(publicValue, "public");
        }
        catch (JsonPathException ex) when (ex.AddSegment(".keyval"))
        {
            throw; // unreachable: the filter only records the path
        }

        // The key ID is not checked against the key's hash: real repositories (and Notary) use other key IDs.
        _ = keyId;
        return new Key
        {
            KeyType = keyTypeText,
            Scheme = schemeText,
            Public = publicText,
            KeyValUnrecognizedFields = keyValUnknown,
            UnrecognizedFields = unknown,
        };
    }

    private static Role ReadRole(JsonElement value)
    {
        RequireObjectValue(value);
        var role = new Role();
        JsonElement keyIds = default, threshold = default;
        foreach (var p in value.EnumerateObject())
        {
            if (p.NameEquals("keyids"u8))
            {
                keyIds = p.Value;
            }
            else if (p.NameEquals("threshold"u8))
            {
                threshold = p.Value;
            }
            else
            {
                AddUnrecognized(role.UnrecognizedFields, p);
            }
        }

        role.KeyIds = ReadStringArray(keyIds, "keyids", unique: true);
        role.Threshold = ReadInt32(threshold, "threshold", 1, int.MaxValue);
        return role;
    }

    private static MetaFile ReadMetaFile(JsonElement value)
    {
        RequireObjectValue(value);
        var meta = new MetaFile();
        JsonElement version = default;
        foreach (var p in value.EnumerateObject())
        {
            if (p.NameEquals("version"u8))
            {
                version = p.Value;
            }
            else if (p.NameEquals("length"u8))
            {
                meta.Length = ReadInt64(p.Value, "length", 0);
            }
            else if (p.NameEquals("hashes"u8))
            {
                meta.Hashes = ReadHashes(p.Value, "hashes", allowEmpty: true);
            }
            else
            {
                AddUnrecognized(meta.UnrecognizedFields, p);
            }
        }

        meta.Version = ReadInt64(version, "version", 1);
        return meta;
    }

    private static TargetFile ReadTargetFile(string path, JsonElement value, Utf8Slab slab)
    {
        RequireObjectValue(value);
        JsonElement length = default, hashes = default;
        Dictionary<string, JsonElement>? unknown = null;
        foreach (var p in value.EnumerateObject())
        {
            if (p.NameEquals("length"u8))
            {
                length = p.Value;
            }
            else if (p.NameEquals("hashes"u8))
            {
                hashes = p.Value;
            }
            else
            {
                AddUnrecognized(unknown ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal), p);
            }
        }

        var file = new TargetFile
        {
            Path = path,
            Length = ReadInt64(length, "length", 0),
            Hashes = hashes.ValueKind == JsonValueKind.Undefined ? throw JsonPathException.Field("hashes", "missing") : ReadTargetHashes(hashes, slab),
        };
        if (unknown is not null)
        {
            file.UnrecognizedFields = unknown;
        }

        return file;
    }

    private static Delegations ReadDelegations(JsonElement value)
    {
        var delegations = new Delegations();
        JsonElement keys = default, roles = default, succinct = default;
        foreach (var p in value.EnumerateObject())
        {
            if (p.NameEquals("keys"u8))
            {
                keys = p.Value;
            }
            else if (p.NameEquals("roles"u8))
            {
                roles = p.Value;
            }
            else if (p.NameEquals("succinct_roles"u8))
            {
                succinct = p.Value;
            }
            else
            {
                AddUnrecognized(delegations.UnrecognizedFields, p);
            }
        }

        delegations.Keys = ReadMap(keys, "keys", ReadKey);
        bool hasRoles = roles.ValueKind != JsonValueKind.Undefined;
        bool hasSuccinct = succinct.ValueKind != JsonValueKind.Undefined;
        if (hasRoles == hasSuccinct)
        {
            throw new JsonPathException("must have exactly one of \"roles\" and \"succinct_roles\"");
        }

        if (hasRoles)
        {
            delegations.Roles = ReadDelegatedRoles(roles);
        }
        else
        {
            try
            {
                delegations.SuccinctRoles = ReadSuccinctRoles(RequireObject(succinct, "succinct_roles"));
            }
            catch (JsonPathException ex) when (ex.AddSegment(".succinct_roles"))
            {
                throw; // unreachable: the filter only records the path
            }
        }

        return delegations;
    }

    private static List<DelegatedRole> ReadDelegatedRoles(JsonElement roles)
    {
        if (roles.ValueKind != JsonValueKind.Array)
        {
            throw JsonPathException.Field("roles", "must be an array, not " + Describe(roles));
        }

        var list = new List<DelegatedRole>(roles.GetArrayLength());
        var names = new HashSet<string>(StringComparer.Ordinal);
        int index = 0;
        try
        {
            foreach (var item in roles.EnumerateArray())
            {
                var role = ReadDelegatedRole(RequireObjectValue(item));
                if (!names.Add(role.Name))
                {
                    throw JsonPathException.Field("name", "the role \"" + ErrorText.Untrusted(role.Name) + "\" is delegated more than once");
                }

                list.Add(role);
                index++;
            }
        }
        catch (JsonPathException ex) when (ex.AddSegment(JsonPathException.IndexSegment(index)) || ex.AddSegment(".roles"))
        {
            throw; // unreachable: the filter only records the path
        }

        return list;
    }

    private static DelegatedRole ReadDelegatedRole(JsonElement value)
    {
        JsonElement name = default, keyIds = default, threshold = default, terminating = default, paths = default, prefixes = default;
        var unknown = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in value.EnumerateObject())
        {
            if (p.NameEquals("name"u8))
            {
                name = p.Value;
            }
            else if (p.NameEquals("keyids"u8))
            {
                keyIds = p.Value;
            }
            else if (p.NameEquals("threshold"u8))
            {
                threshold = p.Value;
            }
            else if (p.NameEquals("terminating"u8))
            {
                terminating = p.Value;
            }
            else if (p.NameEquals("paths"u8))
            {
                paths = p.Value;
            }
            else if (p.NameEquals("path_hash_prefixes"u8))
            {
                prefixes = p.Value;
            }
            else
            {
                AddUnrecognized(unknown, p);
            }
        }

        var role = new DelegatedRole
        {
            Name = ReadString(name, "name"),
            KeyIds = ReadStringArray(keyIds, "keyids", unique: true),
            Threshold = ReadInt32(threshold, "threshold", 1, int.MaxValue),
            Terminating = ReadBool(terminating, "terminating"),
            UnrecognizedFields = unknown,
        };
        bool hasPaths = paths.ValueKind != JsonValueKind.Undefined;
        bool hasPrefixes = prefixes.ValueKind != JsonValueKind.Undefined;
        if (hasPaths == hasPrefixes)
        {
            throw new JsonPathException("must have exactly one of \"paths\" and \"path_hash_prefixes\"");
        }

        if (hasPaths)
        {
            role.Paths = ReadStringArray(paths, "paths", unique: false);
        }
        else
        {
            role.PathHashPrefixes = ReadStringArray(prefixes, "path_hash_prefixes", unique: false);
        }

        return role;
    }

    private static SuccinctRoles ReadSuccinctRoles(JsonElement value)
    {
        JsonElement keyIds = default, threshold = default, bitLength = default, namePrefix = default;
        var unknown = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in value.EnumerateObject())
        {
            if (p.NameEquals("keyids"u8))
            {
                keyIds = p.Value;
            }
            else if (p.NameEquals("threshold"u8))
            {
                threshold = p.Value;
            }
            else if (p.NameEquals("bit_length"u8))
            {
                bitLength = p.Value;
            }
            else if (p.NameEquals("name_prefix"u8))
            {
                namePrefix = p.Value;
            }
            else
            {
                AddUnrecognized(unknown, p);
            }
        }

        return new SuccinctRoles
        {
            KeyIds = ReadStringArray(keyIds, "keyids", unique: true),
            Threshold = ReadInt32(threshold, "threshold", 1, int.MaxValue),
            BitLength = ReadInt32(bitLength, "bit_length", 1, 32),
            NamePrefix = ReadString(namePrefix, "name_prefix"),
            UnrecognizedFields = unknown,
        };
    }
}
