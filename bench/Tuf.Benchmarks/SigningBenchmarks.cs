using BenchmarkDotNet.Attributes;
using Tuf.Signing;

namespace Tuf.Benchmarks;

/// <summary>
/// The metadata half of committing a 100,000-target repository in 1024 succinct hash bins: serialize and sign
/// every bin (canonical bytes + file bytes + sha256), then build and sign the snapshot that lists them.
/// File I/O is measured separately by bench/scripts/signing-bins.sh.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class SigningBenchmarks
{
    private readonly List<Targets> _bins = [];
    private InMemorySigner _signer = null!;

    [Params(100_000)]
    public int Targets { get; set; }

    [Params(1024)]
    public int Bins { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _signer = InMemorySigner.Generate(SigningKeyType.Ed25519);
        var succinct = new SuccinctRoles { NamePrefix = "bins", BitLength = System.Numerics.BitOperations.Log2((uint)Bins) };
        var byName = succinct.GetRoles().ToDictionary(n => n, _ => new Targets { Expires = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) });
        for (int i = 0; i < Targets; i++)
        {
            string path = $"d{i % 100:00}/file-{i:000000}.txt";
            byte[] content = System.Text.Encoding.UTF8.GetBytes($"target {i}");
            byName[succinct.GetRoleForTarget(path)].TargetFiles[path] = new TargetFile
            {
                Path = path,
                Length = content.Length,
                Hashes = new Dictionary<string, string>
                {
                    ["sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)),
                    ["sha512"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA512.HashData(content)),
                },
            };
        }

        _bins.AddRange(byName.Values);
    }

    [GlobalCleanup]
    public void Cleanup() => _signer.Dispose();

    [Benchmark]
    public async Task<int> SignAllBinsAndSnapshot()
    {
        var snapshot = new Snapshot { Expires = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) };
        int i = 0;
        foreach (var bin in _bins)
        {
            var signed = await SignedRole.SignAsync(bin, [_signer]);
            snapshot.Meta[$"bins-{i++:x3}.json"] = new MetaFile { Version = 1, Length = signed.FileBytes.Length, Hashes = new Dictionary<string, string> { ["sha256"] = signed.Sha256 } };
        }

        var signedSnapshot = await SignedRole.SignAsync(snapshot, [_signer]);
        return signedSnapshot.FileBytes.Length;
    }
}
