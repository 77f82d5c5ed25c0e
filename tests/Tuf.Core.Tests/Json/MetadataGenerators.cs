using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;

namespace Tuf.Core.Tests.Json;

/// <summary>FsCheck generators of valid metadata models, unknown fields included.</summary>
internal static class MetadataGenerators
{
    private static readonly Gen<string> Names = JsonTrees.Strings(withControl: true).Select(s => s.Length == 0 ? "n" : s);
    private static readonly Gen<string> Hex = Gen.Elements("00", "ab", "0123456789abcdef", new string('f', 64));
    private static readonly Gen<long> Versions = Gen.Elements(1L, 2L, 7L, 1589485578L, long.MaxValue);
    private static readonly Gen<DateTimeOffset> Instants = Gen.Choose(0, 2_000_000_000).Select(s => DateTimeOffset.FromUnixTimeSeconds(s));

    /// <summary>Unknown fields: names that cannot collide with known ones, values any JSON tree.</summary>
    private static Gen<Dictionary<string, JsonElement>> Unknown() =>
        from names in Names.ListOf()
        from values in JsonTrees.Nodes(withControl: true).Resize(6).ArrayOf(3)
        select names.Distinct(StringComparer.Ordinal).Take(values.Length)
            .Select((n, i) => (Name: "x-" + n, Value: ToElement(values[i])))
            .ToDictionary(t => t.Name, t => t.Value, StringComparer.Ordinal);

    private static JsonElement ToElement(JNode node)
    {
        using var doc = JsonDocument.Parse(Encoding.UTF8.GetBytes(JsonTrees.Render(node, 0)));
        return doc.RootElement.Clone();
    }

    private static Gen<Key> Keys() =>
        from type in Gen.Elements("ed25519", "ecdsa", "rsa", "x")
        from pub in Gen.Elements("aa", "-----BEGIN PUBLIC KEY-----\nMFk\n-----END PUBLIC KEY-----\n")
        from unknown in Unknown()
        from keyValUnknown in Unknown()
        select new Key { KeyType = type, Scheme = type + "-scheme", Public = pub, UnrecognizedFields = unknown, KeyValUnrecognizedFields = keyValUnknown };

    private static Gen<Dictionary<string, Key>> KeyMaps() =>
        from ids in Hex.ListOf()
        from keys in Keys().ArrayOf(4)
        select ids.Distinct(StringComparer.Ordinal).Take(keys.Length).Select((id, i) => (id, keys[i])).ToDictionary(t => t.id, t => t.Item2, StringComparer.Ordinal);

    private static Gen<List<string>> KeyIdLists() => Hex.ListOf().Select(l => l.Distinct(StringComparer.Ordinal).ToList());

    private static Gen<T> WithCommon<T>(Gen<T> gen)
        where T : Signed =>
        from signed in gen
        from version in Versions
        from expires in Instants
        from spec in Gen.Elements("1.0", "1.0.0", "1.0.31")
        from unknown in Unknown()
        select Set(signed, version, expires, spec, unknown);

    private static T Set<T>(T signed, long version, DateTimeOffset expires, string spec, Dictionary<string, JsonElement> unknown)
        where T : Signed
    {
        signed.Version = version;
        signed.Expires = expires;
        signed.SpecVersion = spec;
        signed.UnrecognizedFields = unknown;
        return signed;
    }

    private static Gen<MetaFile> MetaFiles() =>
        from version in Versions
        from length in Gen.Elements<long?>(null, 0, 1234)
        from hasHashes in Gen.Elements(false, true)
        from hash in Hex
        from unknown in Unknown()
        select new MetaFile
        {
            Version = version,
            Length = length,
            Hashes = hasHashes ? new Dictionary<string, string> { ["sha256"] = hash } : null,
            UnrecognizedFields = unknown,
        };

    public static Gen<Root> Roots() => WithCommon(
        from keys in KeyMaps()
        from consistent in Gen.Elements(false, true)
        from ids in KeyIdLists().ArrayOf(4)
        from threshold in Gen.Choose(1, 3)
        from roleUnknown in Unknown()
        select new Root
        {
            ConsistentSnapshot = consistent,
            Keys = keys,
            Roles = new[] { "root", "timestamp", "snapshot", "targets" }
                .Select((n, i) => (n, new Role { KeyIds = ids[i], Threshold = threshold, UnrecognizedFields = i == 0 ? roleUnknown : new(StringComparer.Ordinal) }))
                .ToDictionary(t => t.n, t => t.Item2, StringComparer.Ordinal),
        });

    public static Gen<Timestamp> Timestamps() => WithCommon(MetaFiles().Select(m => new Timestamp { SnapshotMeta = m }));

    public static Gen<Snapshot> Snapshots() => WithCommon(
        from names in Names.ListOf()
        from metas in MetaFiles().ArrayOf(4)
        select new Snapshot
        {
            Meta = names.Distinct(StringComparer.Ordinal).Take(metas.Length).Select((n, i) => (n + ".json", metas[i]))
                .ToDictionary(t => t.Item1, t => t.Item2, StringComparer.Ordinal),
        });

    private static Gen<TargetFile> TargetFiles(string path) =>
        from length in Gen.Choose(0, int.MaxValue)
        from hash in Hex
        from sha512 in Gen.Elements(false, true)
        from unknown in Unknown()
        select new TargetFile
        {
            Path = path,
            Length = length,
            Hashes = sha512 ? new Dictionary<string, string> { ["sha256"] = hash, ["sha512"] = hash } : new Dictionary<string, string> { ["sha256"] = hash },
            UnrecognizedFields = unknown,
        };

    private static Gen<DelegatedRole> DelegatedRoles(string name) =>
        from ids in KeyIdLists()
        from threshold in Gen.Choose(1, 3)
        from terminating in Gen.Elements(false, true)
        from usePaths in Gen.Elements(false, true)
        from patterns in Names.ListOf()
        from unknown in Unknown()
        select new DelegatedRole
        {
            Name = name,
            KeyIds = ids,
            Threshold = threshold,
            Terminating = terminating,
            Paths = usePaths ? patterns.ToList() : null,
            PathHashPrefixes = usePaths ? null : patterns.Select(p => p.Length.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)).ToList(),
            UnrecognizedFields = unknown,
        };

    private static Gen<Delegations?> DelegationsGen() =>
        from kind in Gen.Choose(0, 2)
        from keys in KeyMaps()
        from names in Names.ListOf()
        from roles in Gen.CollectToList(names.Distinct(StringComparer.Ordinal).Take(4), DelegatedRoles)
        from ids in KeyIdLists()
        from bits in Gen.Choose(1, 32)
        from unknown in Unknown()
        select kind == 0 ? null : new Delegations
        {
            Keys = keys,
            Roles = kind == 1 ? roles.ToList() : null,
            SuccinctRoles = kind == 2 ? new SuccinctRoles { KeyIds = ids, Threshold = 1, BitLength = bits, NamePrefix = "bin" } : null,
            UnrecognizedFields = unknown,
        };

    public static Gen<Targets> TargetsGen() => WithCommon(
        from paths in Names.ListOf()
        from files in Gen.CollectToList(paths.Distinct(StringComparer.Ordinal).Take(6), TargetFiles)
        from delegations in DelegationsGen()
        select new Targets
        {
            TargetFiles = files.ToDictionary(f => f.Path, f => f, StringComparer.Ordinal),
            Delegations = delegations,
        });

    public static Gen<Signed> AnySigned() => Gen.OneOf(
        Roots().Select(r => (Signed)r),
        Timestamps().Select(t => (Signed)t),
        Snapshots().Select(s => (Signed)s),
        TargetsGen().Select(t => (Signed)t));

    public static Gen<List<Signature>> Signatures() =>
        from ids in Hex.ListOf()
        from sig in Gen.Elements("", "00", new string('a', 128))
        select ids.Distinct(StringComparer.Ordinal).Take(3).Select(id => new Signature(id, sig)).ToList(); // keyids are unique (spec)
}
