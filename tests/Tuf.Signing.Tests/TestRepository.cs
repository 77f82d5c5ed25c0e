using Microsoft.Extensions.Time.Testing;

namespace Tuf.Signing.Tests;

/// <summary>A temporary repository folder with in-memory ed25519 keys for each top-level role.</summary>
internal sealed class TestRepository : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public TestRepository(bool consistentSnapshot = true, int rootKeys = 1, int rootThreshold = 1,
        SigningKeyType rootType = SigningKeyType.Ed25519, SigningKeyType targetsType = SigningKeyType.Ed25519,
        SigningKeyType snapshotType = SigningKeyType.Ed25519, SigningKeyType timestampType = SigningKeyType.Ed25519)
    {
        Directory = Path.Combine(Path.GetTempPath(), "tuf-signing-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Time = new FakeTimeProvider(Start);
        RootKeys = Enumerable.Range(0, rootKeys).Select(_ => NewKey(rootType)).ToList();
        Targets = NewKey(targetsType);
        Snapshot = NewKey(snapshotType);
        Timestamp = NewKey(timestampType);
        var editor = RepositoryEditor.Init(Directory, new RepositoryInitOptions
        {
            RootKeys = RootKeys.Select(k => k.PublicKey).ToList(),
            RootThreshold = rootThreshold,
            TargetsKeys = [Targets.PublicKey],
            SnapshotKeys = [Snapshot.PublicKey],
            TimestampKeys = [Timestamp.PublicKey],
            ConsistentSnapshot = consistentSnapshot,
        }, Time);
        editor.Save();
    }

    public string Directory { get; }

    public FakeTimeProvider Time { get; }

    public List<InMemorySigner> RootKeys { get; }

    public InMemorySigner Targets { get; }

    public InMemorySigner Snapshot { get; set; }

    public InMemorySigner Timestamp { get; set; }

    public IReadOnlyList<ISigner> OnlineKeys => [Snapshot, Timestamp];

    public IReadOnlyList<ISigner> AllKeys => [.. RootKeys, Targets, Snapshot, Timestamp];

    public static InMemorySigner NewKey(SigningKeyType type = SigningKeyType.Ed25519) => InMemorySigner.Generate(type);

    public RepositoryEditor Open() => RepositoryEditor.Open(Directory, Time);

    /// <summary>A staged role's metadata file bytes, from the staging area on disk.</summary>
    public byte[] ReadStagedRole(string role) =>
        StagedRoles.Load(StagedRolesPath, LegacyStagedRolesDir).TryGet(role, out var bytes) ? bytes.ToArray() : throw new InvalidOperationException($"{role} is not staged");

    /// <summary>Replaces a staged role's metadata file bytes on disk (to simulate tampering).</summary>
    public void WriteStagedRole(string role, byte[] fileBytes)
    {
        var staged = StagedRoles.Load(StagedRolesPath, LegacyStagedRolesDir);
        staged.Set(role, fileBytes);
        staged.Save(StagedRolesPath);
    }

    public string StagedRolesPath => Path.Combine(Directory, ".tuf-staging", "roles.json");

    public string LegacyStagedRolesDir => Path.Combine(Directory, ".tuf-staging", "roles");

    public string WriteSource(string name, string content)
    {
        string path = Path.Combine(Directory, "..", Path.GetFileName(Directory) + "-src", name);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public async Task<CommitResult> CommitAsync(params ISigner[] signers)
    {
        var editor = Open();
        var result = await editor.CommitAsync(signers.Length == 0 ? AllKeys : signers);
        return result;
    }

    public RepositoryVerifier Verify() => new RepositoryVerifier(Directory, Time.GetUtcNow()).Verify();

    public string Fingerprint() => RepositoryVerifier.TreeFingerprint(Directory);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
            foreach (var sibling in new[] { Directory + "-src", Directory + "-client" })
            {
                if (System.IO.Directory.Exists(sibling))
                {
                    System.IO.Directory.Delete(sibling, recursive: true);
                }
            }
        }
        catch (IOException)
        {
            // Temp folder cleanup is best effort.
        }
    }
}
