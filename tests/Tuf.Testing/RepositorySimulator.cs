using System.Security.Cryptography;
using Tuf.Client;

namespace Tuf.Testing;

/// <summary>
/// An in-memory TUF repository that signs with fixed test keys and serves itself through <see cref="IFetcher"/>
/// (like python-tuf's tests/repository_simulator.py). Tests change the public metadata objects, then call
/// <see cref="UpdateSnapshot"/> / <see cref="UpdateTimestamp"/> / <see cref="PublishRoot"/>; metadata is signed
/// when fetched (ed25519 signatures are deterministic, so a file's hash is stable).
/// </summary>
public sealed partial class RepositorySimulator : IFetcher
{
    /// <summary>The base URL metadata is served under.</summary>
    public static readonly Uri MetadataBaseUrl = new("http://simulator.invalid/metadata/");

    /// <summary>The base URL targets are served under.</summary>
    public static readonly Uri TargetsBaseUrl = new("http://simulator.invalid/targets/");

    private int _nextKey;

    /// <summary>Creates a repository: root v1 (published), timestamp, snapshot and targets v1, one key per role.</summary>
    /// <param name="now">The time expiries are computed from (default: the real clock).</param>
    /// <param name="keyFactory">Key generator by index (default <see cref="TestKeys.Ed25519"/>).</param>
    public RepositorySimulator(DateTimeOffset? now = null, Func<int, TestKey>? keyFactory = null)
    {
        KeyFactory = keyFactory ?? TestKeys.Ed25519;
        Now = now ?? TimeProvider.System.GetUtcNow();
        SafeExpiry = new DateTimeOffset(Now.UtcDateTime.Date, TimeSpan.Zero).AddDays(30);

        Root = new Root { Expires = SafeExpiry, ConsistentSnapshot = true };
        Timestamp = new Timestamp { Expires = SafeExpiry };
        Snapshot = new Snapshot { Expires = SafeExpiry };
        Targets = new Targets { Expires = SafeExpiry };
        Snapshot.Meta["targets.json"] = new MetaFile { Version = 1 };
        Timestamp.SnapshotMeta = new MetaFile { Version = 1 };
        foreach (string role in TopLevelRoles)
        {
            Root.Roles[role] = new Role { Threshold = 1 };
            AddKeyToRole(role, NewKey());
        }

        PublishRoot();
    }

    /// <summary>The four top-level role names.</summary>
    public static IReadOnlyList<string> TopLevelRoles { get; } = ["root", "timestamp", "snapshot", "targets"];

    /// <summary>Makes keys by index.</summary>
    public Func<int, TestKey> KeyFactory { get; }

    /// <summary>The time the repository was created for.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>An expiry 30 days after <see cref="Now"/> (whole day).</summary>
    public DateTimeOffset SafeExpiry { get; }

    /// <summary>The current root (publish changes with <see cref="PublishRoot"/>).</summary>
    public Root Root { get; set; }

    /// <summary>The current timestamp (served live).</summary>
    public Timestamp Timestamp { get; set; }

    /// <summary>The current snapshot (served live).</summary>
    public Snapshot Snapshot { get; set; }

    /// <summary>The current top-level targets (served live).</summary>
    public Targets Targets { get; set; }

    /// <summary>Delegated targets roles by name (served live).</summary>
    public Dictionary<string, Targets> Delegated { get; } = new(StringComparer.Ordinal);

    /// <summary>Signing keys by role name (delegated roles included).</summary>
    public Dictionary<string, List<TestKey>> Signers { get; } = new(StringComparer.Ordinal);

    /// <summary>Published roots: index 0 is version 1.</summary>
    public List<byte[]> SignedRoots { get; } = [];

    /// <summary>Target contents by target path.</summary>
    public Dictionary<string, byte[]> Artifacts { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether snapshot/timestamp list lengths and hashes of the files they describe (default false).</summary>
    public bool ComputeMetafileHashesAndLength { get; set; }

    /// <summary>Hash algorithms listed for new targets (default sha256).</summary>
    public IList<string> TargetHashAlgorithms { get; } = ["sha256"];

    /// <summary>Every metadata request, in order: role name (decoded) and version (null when unversioned).</summary>
    public List<(string Role, long? Version)> MetadataRequests { get; } = [];

    /// <summary>Every target request, in order (the URL path under the targets base).</summary>
    public List<string> TargetRequests { get; } = [];

    /// <summary>Bytes served instead of the real ones, by URL path relative to the metadata or targets base (e.g. <c>"timestamp.json"</c>).</summary>
    public Dictionary<string, byte[]> Overrides { get; } = new(StringComparer.Ordinal);

    /// <summary>A last chance to alter any response: (relative path, bytes) → bytes served.</summary>
    public Func<string, byte[], byte[]>? Tamper { get; set; }

    /// <summary>A new fixed key (the simulator's next index).</summary>
    public TestKey NewKey() => KeyFactory(_nextKey++);

    /// <summary>Adds <paramref name="key"/> to top-level role <paramref name="role"/> in <see cref="Root"/> and to its signers.</summary>
    public void AddKeyToRole(string role, TestKey key)
    {
        Root.Keys[key.KeyId] = key.PublicKey;
        if (!Root.Roles[role].KeyIds.Contains(key.KeyId))
        {
            Root.Roles[role].KeyIds.Add(key.KeyId);
        }

        SignersOf(role).Add(key);
    }

    /// <summary>Replaces all keys of top-level role <paramref name="role"/> with <paramref name="count"/> new ones (root must then be published).</summary>
    public IReadOnlyList<TestKey> RotateKeys(string role, int count = 1)
    {
        foreach (string keyId in Root.Roles[role].KeyIds.ToList())
        {
            Root.Roles[role].KeyIds.Remove(keyId);
            if (!Root.Roles.Values.Any(r => r.KeyIds.Contains(keyId)))
            {
                Root.Keys.Remove(keyId);
            }
        }

        SignersOf(role).Clear();
        var keys = Enumerable.Range(0, count).Select(_ => NewKey()).ToList();
        foreach (var key in keys)
        {
            AddKeyToRole(role, key);
        }

        return keys;
    }

    /// <summary>Signs the current <see cref="Root"/> with the root signers (and <paramref name="extraSigners"/>, e.g. the
    /// previous root keys during a rotation) and publishes it as version <c>Root.Version</c>.</summary>
    public byte[] PublishRoot(params TestKey[] extraSigners)
    {
        var signers = SignersOf("root").Concat(extraSigners).DistinctBy(k => k.KeyId);
        byte[] bytes = Sign(Root, signers);
        int index = checked((int)Root.Version - 1);
        if (index < SignedRoots.Count)
        {
            SignedRoots[index] = bytes;
            SignedRoots.RemoveRange(index + 1, SignedRoots.Count - index - 1);
        }
        else if (index == SignedRoots.Count)
        {
            SignedRoots.Add(bytes);
        }
        else
        {
            throw new InvalidOperationException($"root version {Root.Version} would leave a gap after {SignedRoots.Count}");
        }

        return bytes;
    }

    /// <summary>Bumps the root version, applies <paramref name="change"/>, and publishes it signed also by the previous root keys.</summary>
    public byte[] BumpRoot(Action<Root>? change = null)
    {
        var previous = SignersOf("root").ToArray();
        Root.Version++;
        change?.Invoke(Root);
        return PublishRoot(previous);
    }

    /// <summary>Adds a target with <paramref name="data"/> to <paramref name="role"/> (not versioned: bump and update snapshot yourself).</summary>
    public TargetFile AddTarget(string role, byte[] data, string path)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string algorithm in TargetHashAlgorithms)
        {
            hashes[algorithm] = HashHex(algorithm, data);
        }

        var file = new TargetFile { Path = path, Length = data.Length, Hashes = hashes };
        TargetsOf(role).TargetFiles[path] = file;
        Artifacts[path] = data;
        return file;
    }

    /// <summary>Adds a delegation from <paramref name="delegator"/> to <paramref name="role"/> with metadata <paramref name="targets"/>
    /// and one new key (or <paramref name="keyCount"/> keys); returns the keys.</summary>
    public IReadOnlyList<TestKey> AddDelegation(string delegator, DelegatedRole role, Targets? targets = null, int keyCount = 1)
    {
        var parent = TargetsOf(delegator);
        parent.Delegations ??= new Delegations { Roles = [] };
        parent.Delegations.Roles ??= [];
        parent.Delegations.Roles.Add(role);
        if (targets is not null)
        {
            Delegated[role.Name] = targets;
        }
        else
        {
            Delegated.TryAdd(role.Name, new Targets { Expires = SafeExpiry });
        }

        // A role delegated a second time (e.g. a cycle) keeps its metadata and signing keys.
        var keys = SignersOf(role.Name).Count > 0 ? SignersOf(role.Name).ToList() : [];
        for (int i = keys.Count; i < keyCount; i++)
        {
            var key = NewKey();
            SignersOf(role.Name).Add(key);
            keys.Add(key);
        }

        foreach (var key in keys)
        {
            parent.Delegations.Keys[key.KeyId] = key.PublicKey;
            if (!role.KeyIds.Contains(key.KeyId))
            {
                role.KeyIds.Add(key.KeyId);
            }
        }

        Snapshot.Meta[role.Name + ".json"] = new MetaFile { Version = Delegated[role.Name].Version };
        return keys;
    }

    /// <summary>Adds TAP 15 succinct hash-bin delegation from <paramref name="delegator"/>: 2^bitLength bins named
    /// <c>{namePrefix}-{bin}</c> sharing one new key, each with empty metadata listed in the snapshot.</summary>
    public SuccinctRoles AddSuccinctRoles(string delegator, int bitLength, string namePrefix)
    {
        var key = NewKey();
        var succinct = new SuccinctRoles { BitLength = bitLength, NamePrefix = namePrefix, Threshold = 1, KeyIds = [key.KeyId] };
        var parent = TargetsOf(delegator);
        parent.Delegations = new Delegations { SuccinctRoles = succinct };
        parent.Delegations.Keys[key.KeyId] = key.PublicKey;
        foreach (string bin in succinct.GetRoles())
        {
            Delegated[bin] = new Targets { Expires = SafeExpiry };
            Signers[bin] = [key];
            Snapshot.Meta[bin + ".json"] = new MetaFile { Version = 1 };
        }

        return succinct;
    }

    /// <summary>The targets metadata of <paramref name="role"/> (top-level or delegated).</summary>
    public Targets TargetsOf(string role) =>
        role == "targets" ? Targets : Delegated.TryGetValue(role, out var t) ? t : throw new KeyNotFoundException(role);

    /// <summary>The signer list of <paramref name="role"/> (created empty when absent).</summary>
    public List<TestKey> SignersOf(string role)
    {
        if (!Signers.TryGetValue(role, out var list))
        {
            list = [];
            Signers[role] = list;
        }

        return list;
    }

    /// <summary>Lists the current version (and, when <see cref="ComputeMetafileHashesAndLength"/>, length and hashes) of
    /// every targets role in the snapshot, bumps the snapshot version, then updates the timestamp.</summary>
    public void UpdateSnapshot()
    {
        foreach (var (role, targets) in AllTargets())
        {
            Snapshot.Meta[role + ".json"] = MetaFileFor(targets, SignedBytesOf(role));
        }

        Snapshot.Version++;
        UpdateTimestamp();
    }

    /// <summary>Lists the current snapshot in the timestamp and bumps the timestamp version.</summary>
    public void UpdateTimestamp()
    {
        Timestamp.SnapshotMeta = MetaFileFor(Snapshot, SignedBytesOf("snapshot"));
        Timestamp.Version++;
    }

    /// <summary>The signed bytes of a role as the repository serves them now (root: the newest published).</summary>
    public byte[] SignedBytesOf(string role) => role switch
    {
        "root" => SignedRoots[^1],
        "timestamp" => Sign(Timestamp, SignersOf("timestamp")),
        "snapshot" => Sign(Snapshot, SignersOf("snapshot")),
        _ => Sign(TargetsOf(role), SignersOf(role)),
    };

    /// <summary>Every targets role: the top-level one first, then delegated ones.</summary>
    public IEnumerable<(string Role, Targets Targets)> AllTargets()
    {
        yield return ("targets", Targets);
        foreach (var (name, targets) in Delegated)
        {
            yield return (name, targets);
        }
    }

    /// <summary>Signs <paramref name="signed"/> with <paramref name="signers"/> and returns the whole file.</summary>
    public static byte[] Sign(Signed signed, IEnumerable<TestKey> signers)
    {
        byte[] canonical = MetadataWriter.ToCanonicalBytes(signed);
        var signatures = signers.Select(k => k.SignEntry(canonical)).ToList();
        return MetadataWriter.ToFileBytes(signed, signatures);
    }

    /// <summary>Lowercase hex digest of <paramref name="data"/> (sha256, sha384 or sha512).</summary>
    public static string HashHex(string algorithm, byte[] data) => algorithm switch
    {
        "sha256" => Convert.ToHexStringLower(SHA256.HashData(data)),
        "sha384" => Convert.ToHexStringLower(SHA384.HashData(data)),
        "sha512" => Convert.ToHexStringLower(SHA512.HashData(data)),
        _ => throw new ArgumentException("unsupported hash " + algorithm, nameof(algorithm)),
    };

    private MetaFile MetaFileFor(Signed signed, byte[] bytes)
    {
        var meta = new MetaFile { Version = signed.Version };
        if (ComputeMetafileHashesAndLength)
        {
            meta.Length = bytes.Length;
            meta.Hashes = new Dictionary<string, string>(StringComparer.Ordinal) { ["sha256"] = HashHex("sha256", bytes) };
        }

        return meta;
    }
}
