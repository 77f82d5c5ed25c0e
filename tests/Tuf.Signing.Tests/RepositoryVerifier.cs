using System.Security.Cryptography;

namespace Tuf.Signing.Tests;

/// <summary>
/// A test-only reader of a published repository folder that checks what a TUF client checks: the root chain
/// (each new root signed by a threshold of the old and the new keys), expiry, timestamp -> snapshot -> targets
/// versions, lengths and hashes, every role's threshold under its delegator, the delegation search for each
/// target, and the target files themselves.
/// </summary>
internal sealed class RepositoryVerifier
{
    private readonly string _metadata;
    private readonly string _targets;
    private readonly DateTimeOffset _now;

    public RepositoryVerifier(string directory, DateTimeOffset now)
    {
        _metadata = Path.Combine(directory, "metadata");
        _targets = Path.Combine(directory, "targets");
        _now = now;
    }

    public Root Root { get; private set; } = null!;

    public Timestamp Timestamp { get; private set; } = null!;

    public Snapshot Snapshot { get; private set; } = null!;

    public Dictionary<string, Targets> Roles { get; } = new(StringComparer.Ordinal);

    /// <summary>Verifies everything; throws on the first problem. <paramref name="trustedRoot"/> defaults to 1.root.json.</summary>
    public RepositoryVerifier Verify(byte[]? trustedRoot = null)
    {
        var root = MetadataParser.Parse<Root>(trustedRoot ?? File.ReadAllBytes(Path.Combine(_metadata, "1.root.json")));
        ThresholdVerifier.Verify("root", root.SignedBytes.Span, root.Signatures, root.Signed.Roles["root"], root.Signed.Keys);
        while (File.Exists(Path.Combine(_metadata, $"{root.Signed.Version + 1}.root.json")))
        {
            var next = MetadataParser.Parse<Root>(File.ReadAllBytes(Path.Combine(_metadata, $"{root.Signed.Version + 1}.root.json")));
            ThresholdVerifier.Verify("root", next.SignedBytes.Span, next.Signatures, root.Signed.Roles["root"], root.Signed.Keys);
            ThresholdVerifier.Verify("root", next.SignedBytes.Span, next.Signatures, next.Signed.Roles["root"], next.Signed.Keys);
            Assert.Equal(root.Signed.Version + 1, next.Signed.Version);
            root = next;
        }

        Assert.False(root.Signed.IsExpired(_now), "root expired");
        Assert.Equal(File.ReadAllBytes(Path.Combine(_metadata, $"{root.Signed.Version}.root.json")), File.ReadAllBytes(Path.Combine(_metadata, "root.json")));
        Root = root.Signed;
        bool consistent = Root.ConsistentSnapshot;

        var timestamp = MetadataParser.Parse<Timestamp>(File.ReadAllBytes(Path.Combine(_metadata, "timestamp.json")));
        ThresholdVerifier.Verify("timestamp", timestamp.SignedBytes.Span, timestamp.Signatures, Root.Roles["timestamp"], Root.Keys);
        Assert.False(timestamp.Signed.IsExpired(_now), "timestamp expired");
        Timestamp = timestamp.Signed;

        var snapMeta = Timestamp.SnapshotMeta;
        byte[] snapBytes = File.ReadAllBytes(Path.Combine(_metadata, consistent ? $"{snapMeta.Version}.snapshot.json" : "snapshot.json"));
        Digests.Verify(snapBytes, snapMeta.Length, snapMeta.Hashes, "snapshot.json");
        var snapshot = MetadataParser.Parse<Snapshot>(snapBytes);
        ThresholdVerifier.Verify("snapshot", snapshot.SignedBytes.Span, snapshot.Signatures, Root.Roles["snapshot"], Root.Keys);
        Assert.Equal(snapMeta.Version, snapshot.Signed.Version);
        Assert.False(snapshot.Signed.IsExpired(_now), "snapshot expired");
        Snapshot = snapshot.Signed;

        // Walk delegations from targets; every role is verified by its delegator's keys.
        var queue = new Queue<(string Name, Role Role, IDictionary<string, Key> Keys)>();
        queue.Enqueue(("targets", Root.Roles["targets"], Root.Keys));
        while (queue.Count > 0)
        {
            var (name, role, keys) = queue.Dequeue();
            if (Roles.ContainsKey(name))
            {
                continue;
            }

            Assert.True(Snapshot.Meta.TryGetValue(name + ".json", out var meta), $"{name} missing from snapshot");
            string file = consistent ? $"{meta!.Version}.{Uri.EscapeDataString(name)}.json" : $"{Uri.EscapeDataString(name)}.json";
            byte[] bytes = File.ReadAllBytes(Path.Combine(_metadata, file));
            Digests.Verify(bytes, meta.Length, meta.Hashes, file);
            var env = MetadataParser.Parse<Targets>(bytes);
            ThresholdVerifier.Verify(name, env.SignedBytes.Span, env.Signatures, role, keys);
            Assert.Equal(meta.Version, env.Signed.Version);
            Assert.False(env.Signed.IsExpired(_now), $"{name} expired");
            Roles[name] = env.Signed;
            if (env.Signed.Delegations is { } d)
            {
                foreach (var child in d.Roles ?? [])
                {
                    queue.Enqueue((child.Name, child, d.Keys));
                }

                if (d.SuccinctRoles is { } bins)
                {
                    foreach (var bin in bins.GetRoles())
                    {
                        queue.Enqueue((bin, bins, d.Keys));
                    }
                }
            }
        }

        foreach (var file in Snapshot.Meta.Keys)
        {
            Assert.True(Roles.ContainsKey(file[..^".json".Length]), $"snapshot lists {file}, which no delegation reaches");
        }

        foreach (var (roleName, targets) in Roles)
        {
            foreach (var (path, target) in targets.TargetFiles)
            {
                Assert.Equal(roleName, FindTarget(path).Role);
                foreach (var (algorithm, hash) in target.Hashes)
                {
                    string local = TargetFilePath(path, consistent ? hash : null);
                    Assert.True(File.Exists(local), $"target file {local} missing");
                    byte[] content = File.ReadAllBytes(local);
                    Digests.Verify(content, target.Length, target.Hashes, path);
                    if (!consistent)
                    {
                        break;
                    }
                }
            }
        }

        return this;
    }

    /// <summary>The client's delegation search (spec 5.6.7): pre-order depth-first, terminating roles stop the search.</summary>
    public (string Role, TargetFile? Target) FindTarget(string path)
    {
        var stack = new Stack<string>();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        stack.Push("targets");
        while (stack.Count > 0)
        {
            string name = stack.Pop();
            if (!visited.Add(name) || !Roles.TryGetValue(name, out var targets))
            {
                continue;
            }

            if (targets.TargetFiles.TryGetValue(path, out var found))
            {
                return (name, found);
            }

            if (targets.Delegations is { } d)
            {
                if (d.SuccinctRoles is { } bins)
                {
                    stack.Push(bins.GetRoleForTarget(path));
                    continue;
                }

                var children = new List<string>();
                foreach (var child in d.Roles ?? [])
                {
                    if (child.IsDelegatedPath(path))
                    {
                        children.Add(child.Name);
                        if (child.Terminating)
                        {
                            stack.Clear();
                            break;
                        }
                    }
                }

                for (int i = children.Count - 1; i >= 0; i--)
                {
                    stack.Push(children[i]);
                }
            }
        }

        return ("", null);
    }

    public string TargetFilePath(string path, string? hash)
    {
        int slash = path.LastIndexOf('/');
        string name = hash is null ? path : slash < 0 ? $"{hash}.{path}" : $"{path[..slash]}/{hash}.{path[(slash + 1)..]}";
        return Path.Combine(_targets, name);
    }

    /// <summary>A fingerprint of every file under a folder (path + SHA-256), to prove a failed command changed nothing.</summary>
    public static string TreeFingerprint(string directory)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetRelativePath(directory, file)));
            sha.AppendData(SHA256.HashData(File.ReadAllBytes(file)));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
