using System.Security.Cryptography;
using Tuf.Signing;

namespace Tuf.Cli.Tests;

/// <summary>Runs <c>tuf</c> in-process with captured output; the key and repo CLI tests share the console, so they run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RepoCliCollection
{
    public const string Name = "tuf key/repo CLI (console)";
}

internal sealed class RepoCli : IDisposable
{
    public const string Passphrase = "correct horse battery staple";

    public RepoCli()
    {
        // Key files written by these tests use libsodium's minimum Argon2id limits to keep the tests fast.
        KdfLimits.Default = KdfLimits.Minimum;
        Environment.SetEnvironmentVariable("TUF_KEY_PASSPHRASE", Passphrase);
        Root = Path.Combine(Path.GetTempPath(), "tuf-cli-repo-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string Keys => Path.Combine(Root, "keys");

    public string Repo => Path.Combine(Root, "repo");

    public string Out { get; private set; } = "";

    public string Err { get; private set; } = "";

    public int Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var oldOut = Console.Out;
        var oldErr = Console.Error;
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            return Program.Run(args);
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
            Out = stdout.ToString();
            Err = stderr.ToString();
        }
    }

    public void RunOk(params string[] args)
    {
        int code = Run(args);
        Assert.True(code == 0, $"tuf {string.Join(' ', args)} exited {code}: {Err}");
    }

    public void GenerateKeys(params string[] names)
    {
        foreach (var name in names)
        {
            RunOk("key", "generate", name, "--keystore", Keys);
        }
    }

    public void InitAndCommit(params string[] extra)
    {
        GenerateKeys("root", "targets", "snapshot", "timestamp");
        RunOk(["repo", "init", Repo, "--root-key", "root", "--targets-key", "targets", "--snapshot-key", "snapshot", "--timestamp-key", "timestamp", "--keystore", Keys, .. extra]);
        RunOk("repo", "commit", Repo, "--key", "root", "targets", "snapshot", "timestamp", "--keystore", Keys);
    }

    public string Source(string relative, string content)
    {
        string path = Path.Combine(Root, "src", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Checks what a client checks at the top: every role signed to threshold and snapshot/timestamp hashes of the exact files.</summary>
    public void AssertPublishedAndVerified()
    {
        var status = RepositoryEditor.Open(Repo).GetStatus();
        Assert.All(status, s => Assert.True(s.IsSigned && !s.IsStaged, $"{s.Name} not signed or still staged"));
        string metadata = Path.Combine(Repo, "metadata");
        var timestamp = MetadataParser.Parse<Timestamp>(File.ReadAllBytes(Path.Combine(metadata, "timestamp.json"))).Signed;
        byte[] snapshotBytes = File.ReadAllBytes(Path.Combine(metadata, $"{timestamp.SnapshotMeta.Version}.snapshot.json"));
        Assert.Equal(timestamp.SnapshotMeta.Length, snapshotBytes.Length);
        Assert.Equal(timestamp.SnapshotMeta.Hashes!["sha256"], Convert.ToHexStringLower(SHA256.HashData(snapshotBytes)));
        var snapshot = MetadataParser.Parse<Snapshot>(snapshotBytes).Signed;
        foreach (var (file, meta) in snapshot.Meta)
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(metadata, $"{meta.Version}.{file}"));
            Assert.Equal(meta.Hashes!["sha256"], Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }
    }

    public string Fingerprint()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.EnumerateFiles(Repo, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(file));
            sha.AppendData(SHA256.HashData(File.ReadAllBytes(file)));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("TUF_KEY_PASSPHRASE", null);
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
