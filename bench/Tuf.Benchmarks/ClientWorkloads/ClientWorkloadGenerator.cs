using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tuf.Benchmarks.ClientWorkloads;

/// <summary>
/// Writes static TUF repositories (consistent snapshots, ed25519) for the whole-process client benchmarks:
/// <c>small</c> (10 targets), <c>targets100k</c> (100,000 targets in one targets.json), <c>bins1024</c> (1,024 hash-bin
/// delegations with path_hash_prefixes), <c>roots200</c> (200 root versions, key rotated at every version) and
/// <c>big100m</c> (one 100 MiB target); <c>targets100k-mldsa65</c> is targets100k with an ML-DSA-65 targets key (TAP 21). Layout: OUT/root.json (trusted root v1), OUT/metadata/, OUT/targets/,
/// OUT/target.txt (the target path to download). Keys come from fixed seeds, so output is reproducible.
/// </summary>
internal static class ClientWorkloadGenerator
{
    public static readonly string[] Names = ["small", "targets100k", "bins1024", "roots200", "big100m", "targets100k-mldsa65"];

    private static readonly DateTimeOffset Expires = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static int Run(string[] args)
    {
        if (args.Length != 2 || !Names.Contains(args[0]))
        {
            Console.Error.WriteLine($"usage: client-workload {{{string.Join('|', Names)}}} OUTDIR");
            return 2;
        }

        new Writer(args[1]).Write(args[0]);
        return 0;
    }

    private sealed class Writer(string outDir)
    {
        private readonly string _metadata = Path.Combine(outDir, "metadata");
        private readonly string _targets = Path.Combine(outDir, "targets");
        private int _seed;

        public void Write(string workload)
        {
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }

            Directory.CreateDirectory(_metadata);
            Directory.CreateDirectory(_targets);
            using var rootKey = NextKey();
            using var timestampKey = NextKey();
            using var snapshotKey = NextKey();
            using var targetsKey = workload.EndsWith("-mldsa65", StringComparison.Ordinal)
                ? SigningKey.FromMLDsaSeed("ml-dsa-65/1", SHA256.HashData(Encoding.UTF8.GetBytes("client workload ml-dsa-65 targets key")))
                : NextKey();
            var root = new Root { Expires = Expires, ConsistentSnapshot = true };
            foreach (var (role, key) in new[] { ("root", rootKey), ("timestamp", timestampKey), ("snapshot", snapshotKey), ("targets", targetsKey) })
            {
                root.Keys[key.KeyId] = key.PublicKey;
                root.Roles[role] = new Role { KeyIds = [key.KeyId], Threshold = 1 };
            }

            byte[] root1 = Sign(root, rootKey);
            File.WriteAllBytes(Path.Combine(outDir, "root.json"), root1);
            File.WriteAllBytes(Path.Combine(_metadata, "1.root.json"), root1);

            var targets = new Targets { Expires = Expires };
            var snapshot = new Snapshot { Expires = Expires };
            string targetToFetch;
            switch (workload)
            {
                case "small":
                    for (int i = 0; i < 10; i++)
                    {
                        AddTarget(targets, $"files/file-{i}.txt", Encoding.UTF8.GetBytes($"small target {i}\n"));
                    }

                    targetToFetch = "files/file-7.txt";
                    break;
                case "targets100k":
                case "targets100k-mldsa65":
                    for (int i = 0; i < 100_000; i++)
                    {
                        // Metadata only (like a large package index); only the fetched target exists as a file.
                        string path = $"packages/pkg-{i:D6}/pkg-{i:D6}-1.0.0.tar.gz";
                        byte[] content = Encoding.UTF8.GetBytes($"package {i}\n");
                        AddTarget(targets, path, content, writeFile: i == 54_321);
                    }

                    targetToFetch = "packages/pkg-054321/pkg-054321-1.0.0.tar.gz";
                    break;
                case "bins1024":
                    targetToFetch = WriteHashBins(targets, snapshot);
                    break;
                case "roots200":
                    for (int i = 0; i < 3; i++)
                    {
                        AddTarget(targets, $"file-{i}.txt", Encoding.UTF8.GetBytes($"target {i}\n"));
                    }

                    WriteRootChain(root, rootKey, 200);
                    targetToFetch = "file-1.txt";
                    break;
                case "big100m":
                    var big = new byte[100 * 1024 * 1024];
                    new Random(42).NextBytes(big);
                    AddTarget(targets, "images/big.img", big);
                    targetToFetch = "images/big.img";
                    break;
                default:
                    throw new ArgumentException(workload);
            }

            byte[] targetsBytes = Sign(targets, targetsKey);
            File.WriteAllBytes(Path.Combine(_metadata, "1.targets.json"), targetsBytes);
            snapshot.Meta["targets.json"] = MetaFor(1, targetsBytes);
            byte[] snapshotBytes = Sign(snapshot, snapshotKey);
            File.WriteAllBytes(Path.Combine(_metadata, "1.snapshot.json"), snapshotBytes);
            var timestamp = new Timestamp { Expires = Expires, SnapshotMeta = MetaFor(1, snapshotBytes) };
            File.WriteAllBytes(Path.Combine(_metadata, "timestamp.json"), Sign(timestamp, timestampKey));
            File.WriteAllText(Path.Combine(outDir, "target.txt"), targetToFetch);
            Console.WriteLine($"{workload}: wrote {outDir} (target {targetToFetch}; targets.json {targetsBytes.Length:N0} B)");
        }

        private string WriteHashBins(Targets targets, Snapshot snapshot)
        {
            using var binKey = NextKey();
            const int bins = 1024;
            const int prefixesPerBin = 4096 / bins; // 3-hex-digit prefixes, 4 per bin
            var delegations = new Delegations { Roles = [] };
            delegations.Keys[binKey.KeyId] = binKey.PublicKey;
            var binTargets = new Targets[bins];
            for (int b = 0; b < bins; b++)
            {
                var prefixes = Enumerable.Range(b * prefixesPerBin, prefixesPerBin).Select(p => p.ToString("x3", CultureInfo.InvariantCulture)).ToList();
                delegations.Roles.Add(new DelegatedRole { Name = $"bin-{b:x3}", KeyIds = [binKey.KeyId], Threshold = 1, PathHashPrefixes = prefixes });
                binTargets[b] = new Targets { Expires = Expires };
            }

            targets.Delegations = delegations;
            string fetch = string.Empty;
            for (int i = 0; i < 10_240; i++)
            {
                string path = $"bins/file-{i:D5}.txt";
                int prefix = Convert.ToInt32(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..3], 16);
                AddTarget(binTargets[prefix / prefixesPerBin], path, Encoding.UTF8.GetBytes($"binned {i}\n"), writeFile: i == 5_000);
                if (i == 5_000)
                {
                    fetch = path;
                }
            }

            for (int b = 0; b < bins; b++)
            {
                string name = $"bin-{b:x3}";
                byte[] bytes = Sign(binTargets[b], binKey);
                File.WriteAllBytes(Path.Combine(_metadata, $"1.{name}.json"), bytes);
                snapshot.Meta[name + ".json"] = MetaFor(1, bytes);
            }

            return fetch;
        }

        private void WriteRootChain(Root root, SigningKey firstRootKey, int versions)
        {
            var previous = firstRootKey;
            var owned = new List<SigningKey>();
            for (int v = 2; v <= versions; v++)
            {
                var next = NextKey();
                owned.Add(next);
                root.Keys.Remove(previous.KeyId);
                root.Keys[next.KeyId] = next.PublicKey;
                root.Roles["root"] = new Role { KeyIds = [next.KeyId], Threshold = 1 };
                root.Version = v;
                File.WriteAllBytes(Path.Combine(_metadata, $"{v}.root.json"), Sign(root, previous, next));
                previous = next;
            }

            owned.ForEach(k => k.Dispose());
        }

        private void AddTarget(Targets targets, string path, byte[] content, bool writeFile = true)
        {
            string hash = Convert.ToHexStringLower(SHA256.HashData(content));
            targets.TargetFiles[path] = new TargetFile
            {
                Path = path,
                Length = content.Length,
                Hashes = new Dictionary<string, string>(StringComparer.Ordinal) { ["sha256"] = hash },
            };
            if (writeFile)
            {
                int slash = path.LastIndexOf('/');
                string dir = Path.Combine(_targets, slash < 0 ? string.Empty : path[..slash]);
                Directory.CreateDirectory(dir);
                File.WriteAllBytes(Path.Combine(dir, $"{hash}.{path[(slash + 1)..]}"), content);
            }
        }

        private static MetaFile MetaFor(long version, byte[] bytes) => new()
        {
            Version = version,
            Length = bytes.Length,
            Hashes = new Dictionary<string, string>(StringComparer.Ordinal) { ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)) },
        };

        private static byte[] Sign(Signed signed, params SigningKey[] keys)
        {
            byte[] canonical = MetadataWriter.ToCanonicalBytes(signed);
            var signatures = keys.Select(k => new Signature(k.KeyId, Convert.ToHexStringLower(k.Sign(canonical)))).ToList();
            return MetadataWriter.ToFileBytes(signed, signatures);
        }

        private SigningKey NextKey() =>
            SigningKey.GenerateEd25519FromSeed(SHA256.HashData(Encoding.UTF8.GetBytes($"tuf-client-bench-{_seed++}")));
    }
}
