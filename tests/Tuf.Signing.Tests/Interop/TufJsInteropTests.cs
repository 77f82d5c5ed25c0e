using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Tuf.Testing;
using Xunit.Abstractions;

namespace Tuf.Signing.Tests;

/// <summary>
/// Interop with tuf-js (the npm package, pinned by tests/interop/tuf-js/package-lock.json): repositories published
/// by <see cref="RepositoryEditor"/> are served over loopback HTTP and tuf-js's <c>Updater</c> refreshes, finds and
/// downloads a target from them (tests/interop/tuf-js/download.mjs). Without node/npm or without network for
/// <c>npm ci</c> the tests return early with a "SKIPPED: ..." line in the test output.
/// </summary>
public sealed class TufJsInteropTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromSeconds(30);
    private static readonly Lazy<Task<string?>> Install = new(InstallAsync);

    private readonly string _work = Path.Combine(Path.GetTempPath(), "tuf-tufjs-tests", Guid.NewGuid().ToString("N"));

    /// <summary>tests/interop/tuf-js in the source tree, or null when it cannot be found.</summary>
    private static string? InteropDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "tests", "interop", "tuf-js");
                if (File.Exists(Path.Combine(candidate, "download.mjs")))
                {
                    return candidate;
                }
            }

            return null;
        }
    }

    [SkippableFact]
    public async Task PlainConsistentSnapshotEd25519_TufJsDownloadsTarget()
    {
        var (editor, signers) = NewRepository(SigningKeyType.Ed25519);
        await editor.AddTargetsAsync([new TargetSource("dir/a.txt", WriteSource("a.txt", "alpha from Tuf.NET"))]);
        editor.Save();
        await editor.CommitAsync(signers);

        await AssertTufJsDownloadsAsync("dir/a.txt", "alpha from Tuf.NET");
    }

    [SkippableFact]
    public async Task EcdsaP256TargetsKey_TufJsDownloadsTarget()
    {
        var (editor, signers) = NewRepository(SigningKeyType.EcdsaP256);
        await editor.AddTargetsAsync([new TargetSource("ecdsa.bin", WriteSource("ecdsa.bin", "signed by an ecdsa-sha2-nistp256 targets key"))]);
        editor.Save();
        await editor.CommitAsync(signers);

        await AssertTufJsDownloadsAsync("ecdsa.bin", "signed by an ecdsa-sha2-nistp256 targets key");
    }

    [SkippableFact]
    public async Task DelegatedPathRole_TufJsDownloadsDelegatedTarget()
    {
        var (editor, signers) = NewRepository(SigningKeyType.Ed25519);
        var team = InMemorySigner.Generate(SigningKeyType.Ed25519);
        editor.Delegate("team", [team.PublicKey], 1, ["apps/*"], null, terminating: true);
        await editor.AddTargetsAsync([new TargetSource("apps/tool.tgz", WriteSource("tool.tgz", "delegated content"))], role: "team");
        editor.Save();
        await editor.CommitAsync([.. signers, team]);

        await AssertTufJsDownloadsAsync("apps/tool.tgz", "delegated content", delegatedRole: "team");
    }

    [SkippableFact]
    public async Task SuccinctHashBins_TufJsDownloadsTargetFromBin()
    {
        var (editor, signers) = NewRepository(SigningKeyType.Ed25519);
        var bins = InMemorySigner.Generate(SigningKeyType.Ed25519);
        editor.DelegateBins(8, [bins.PublicKey]);
        editor.Save();
        await editor.CommitAsync([.. signers, bins]);

        editor = RepositoryEditor.Open(RepoDirectory, TimeProvider.System);
        var files = Enumerable.Range(0, 6).Select(i => ($"pkg/{i}.bin", $"bin content {i}")).ToList();
        await editor.AddTargetsAsync(files.Select(f => new TargetSource(f.Item1, WriteSource(f.Item1.Replace('/', '_'), f.Item2))).ToList());
        editor.Save();
        await editor.CommitAsync([.. signers, bins]);

        Assert.Contains(Directory.EnumerateFiles(Path.Combine(RepoDirectory, "metadata")), f => Path.GetFileName(f).Contains(".bins-", StringComparison.Ordinal));
        foreach (var (path, content) in files.Take(3))
        {
            await AssertTufJsDownloadsAsync(path, content, delegatedRole: new SuccinctRoles { NamePrefix = "bins", BitLength = 3 }.GetRoleForTarget(path));
        }
    }

    [SkippableFact]
    public async Task TamperedTargetByte_TufJsRefuses()
    {
        var (editor, signers) = NewRepository(SigningKeyType.Ed25519);
        await editor.AddTargetsAsync([new TargetSource("a.txt", WriteSource("a.txt", "original bytes"))]);
        editor.Save();
        await editor.CommitAsync(signers);

        string? skip = await Install.Value;
        Skip.If(skip is not null, skip);

        await using var server = RepositorySimulatorServer.Start(path =>
        {
            var response = RepositorySimulatorServer.ServeDirectory(RepoDirectory, path);
            if (response.Status == 200 && path.StartsWith("targets/", StringComparison.Ordinal))
            {
                byte[] body = [.. response.Body];
                body[0] ^= 0x01;
                return response with { Body = body };
            }

            return response;
        });
        var result = await RunNodeAsync(server, "a.txt");
        output.WriteLine($"tuf-js exit {result.ExitCode}: {result.StdErr.Trim()}");
        Assert.NotEqual(0, result.ExitCode);
        Assert.DoesNotContain(Sha256("original bytes"), result.StdOut, StringComparison.Ordinal);
        Assert.Contains("tuf-js error", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("hash", result.StdErr, StringComparison.OrdinalIgnoreCase);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private string RepoDirectory => Path.Combine(_work, "repo");

    /// <summary>A new consistent-snapshot repository on the real clock (tuf-js checks expiry against the wall clock).</summary>
    private (RepositoryEditor Editor, ISigner[] Signers) NewRepository(SigningKeyType targetsKeyType)
    {
        var root = InMemorySigner.Generate(SigningKeyType.Ed25519);
        var targets = InMemorySigner.Generate(targetsKeyType);
        var snapshot = InMemorySigner.Generate(SigningKeyType.Ed25519);
        var timestamp = InMemorySigner.Generate(SigningKeyType.Ed25519);
        Directory.CreateDirectory(RepoDirectory);
        var editor = RepositoryEditor.Init(RepoDirectory, new RepositoryInitOptions
        {
            RootKeys = [root.PublicKey],
            TargetsKeys = [targets.PublicKey],
            SnapshotKeys = [snapshot.PublicKey],
            TimestampKeys = [timestamp.PublicKey],
            ConsistentSnapshot = true,
        }, TimeProvider.System);
        editor.Save();
        return (RepositoryEditor.Open(RepoDirectory, TimeProvider.System), [root, targets, snapshot, timestamp]);
    }

    private string WriteSource(string name, string content)
    {
        string path = Path.Combine(_work, "src", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    private async Task AssertTufJsDownloadsAsync(string targetPath, string content, string? delegatedRole = null)
    {
        string? skip = await Install.Value;
        Skip.If(skip is not null, skip);

        await using var server = RepositorySimulatorServer.ForDirectory(RepoDirectory);
        var result = await RunNodeAsync(server, targetPath);
        Assert.True(result.ExitCode == 0, $"tuf-js exit {result.ExitCode}: {result.StdErr}");
        Assert.Equal(Sha256(content), result.StdOut.Trim());
        Assert.Contains(server.Requests, r => r.StartsWith("targets/", StringComparison.Ordinal));
        if (delegatedRole is not null)
        {
            // Consistent snapshot: tuf-js fetched the delegated role as metadata/<version>.<role>.json.
            Assert.Contains(server.Requests, r => r.StartsWith("metadata/", StringComparison.Ordinal) && r.EndsWith("." + delegatedRole + ".json", StringComparison.Ordinal));
        }
    }

    private async Task<ChildProcess.Result> RunNodeAsync(RepositorySimulatorServer server, string targetPath)
    {
        string dir = InteropDirectory!;
        string cache = Path.Combine(_work, "tufjs-cache", Guid.NewGuid().ToString("N"));
        return await RunAsync("node", dir, NodeTimeout,
            Path.Combine(dir, "download.mjs"),
            Path.Combine(RepoDirectory, "metadata", "1.root.json"),
            server.MetadataUrl.AbsoluteUri,
            server.TargetsUrl.AbsoluteUri,
            cache,
            targetPath);
    }

    private static string Sha256(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    /// <summary>Runs <c>npm ci</c> once per test run when node_modules is missing; returns a skip message or null.</summary>
    private static async Task<string?> InstallAsync()
    {
        string? dir = InteropDirectory;
        if (dir is null)
        {
            return "SKIPPED: tests/interop/tuf-js not found above " + AppContext.BaseDirectory;
        }

        var node = await TryRunAsync("node", dir, TimeSpan.FromSeconds(20), "--version");
        if (node is null || node.ExitCode != 0)
        {
            return "SKIPPED: node is not on PATH (tuf-js interop needs node and npm)";
        }

        if (Directory.Exists(Path.Combine(dir, "node_modules", "tuf-js")))
        {
            return null;
        }

        var npm = await TryRunAsync("npm", dir, InstallTimeout, "ci", "--no-audit", "--no-fund");
        if (npm is null)
        {
            return "SKIPPED: npm is not on PATH (tuf-js interop needs node and npm)";
        }

        return npm.ExitCode == 0 && Directory.Exists(Path.Combine(dir, "node_modules", "tuf-js"))
            ? null
            : $"SKIPPED: `npm ci` for tuf-js failed (no network?), exit {npm.ExitCode}: {Tail(npm.StdErr)}";
    }

    /// <summary>The first npm error line (or the start of the text), on one line.</summary>
    private static string Tail(string text)
    {
        string line = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("npm error", StringComparison.Ordinal)) ?? text.Trim();
        return line.Length <= 300 ? line : line[..300];
    }

    private static async Task<ChildProcess.Result?> TryRunAsync(string file, string workingDirectory, TimeSpan timeout, params string[] args)
    {
        try
        {
            return await RunAsync(file, workingDirectory, timeout, args);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static Task<ChildProcess.Result> RunAsync(string file, string workingDirectory, TimeSpan timeout, params string[] args) =>
        ChildProcess.RunAsync(file, args, workingDirectory, timeout);

}
