using System.Diagnostics;
using Tuf.Testing;

namespace Tuf.Cli.Tests;

/// <summary><c>tuf download</c> in-process, and the published apphost (when built) as a real process.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class DownloadCommandTests : IAsyncLifetime
{
    private readonly string _temp = Directory.CreateTempSubdirectory("tuf-download-").FullName;
    private readonly RepositorySimulator _sim = new();
    private RepositorySimulatorServer _server = null!;

    public Task InitializeAsync()
    {
        _sim.AddTarget("targets", "payload"u8.ToArray(), "dir/app.bin");
        _sim.Targets.Version++;
        _sim.UpdateSnapshot();
        File.WriteAllBytes(Path.Combine(_temp, "root.json"), _sim.SignedRoots[0]);
        _server = RepositorySimulatorServer.ForSimulator(_sim);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_temp, recursive: true);
    }

    private string[] Args(params string[] targets) =>
    [
        "download", "--root", Path.Combine(_temp, "root.json"),
        "--metadata-url", _server.MetadataUrl.AbsoluteUri, "--targets-url", _server.TargetsUrl.AbsoluteUri,
        "--metadata-dir", Path.Combine(_temp, "md"), "--target-dir", Path.Combine(_temp, "td"), .. targets,
    ];

    private static (int Code, string Stderr) RunCaptured(string[] args)
    {
        var previous = Console.Error;
        using var writer = new StringWriter();
        Console.SetError(writer);
        try
        {
            return (Program.Run(args), writer.ToString());
        }
        finally
        {
            Console.SetError(previous);
        }
    }

    [Fact]
    public void Download_ValidTarget_ExitsZeroAndStoresVerifiedBytes()
    {
        var (code, stderr) = RunCaptured(Args("dir/app.bin"));

        Assert.True(code == 0, stderr);
        Assert.Equal("payload"u8.ToArray(), File.ReadAllBytes(Path.Combine(_temp, "td", "dir%2Fapp.bin")));
        Assert.True(File.Exists(Path.Combine(_temp, "md", "root.json")));
    }

    [Fact]
    public void Download_UnknownTarget_ExitsOneWithOneLine()
    {
        var (code, stderr) = RunCaptured(Args("nope"));

        Assert.Equal(1, code);
        Assert.Equal("tuf: target nope not found in trusted metadata", stderr.TrimEnd());
    }

    [Fact]
    public void Download_ExpiredRoot_ExitsOneSayingWhat()
    {
        _sim.BumpRoot(r => r.Expires = new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero));

        var (code, stderr) = RunCaptured(Args("dir/app.bin"));

        Assert.Equal(1, code);
        Assert.Equal("tuf: root.json expired 2020-01-02T03:04:05Z", stderr.TrimEnd());
    }

    [Fact]
    public void Download_MaxMetadataBytesTooSmall_ExitsOne()
    {
        var (code, stderr) = RunCaptured([.. Args("dir/app.bin"), "--max-metadata-bytes", "100"]);

        Assert.Equal(1, code);
        Assert.Contains("larger than the limit of 100 bytes", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Download_MissingOption_ExitsTwo()
    {
        var (code, _) = RunCaptured(["download", "dir/app.bin"]);
        Assert.Equal(2, code);
    }

    [SkippableFact]
    public async Task PublishedApphost_Download_Works()
    {
        string apphost = Path.Combine(SharedVectors.RepoRoot, "artifacts", "cli", "tuf");
        Skip.If(!File.Exists(apphost), $"{apphost} is not built (dotnet publish src/Tuf.Cli -c Release -o artifacts/cli)");

        var psi = new ProcessStartInfo(apphost) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in Args("dir/app.bin"))
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        string stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, stderr);
        Assert.Equal("payload"u8.ToArray(), File.ReadAllBytes(Path.Combine(_temp, "td", "dir%2Fapp.bin")));
    }

    [SkippableFact]
    public async Task PublishedApphost_ConformanceFailure_ExitsExactlyOne()
    {
        string apphost = Path.Combine(SharedVectors.RepoRoot, "artifacts", "cli", "tuf");
        Skip.If(!File.Exists(apphost), $"{apphost} is not built (dotnet publish src/Tuf.Cli -c Release -o artifacts/cli)");

        var psi = new ProcessStartInfo(apphost) { RedirectStandardError = true };
        foreach (string a in new[] { "conformance", "--metadata-url", _server.MetadataUrl.AbsoluteUri, "--metadata-dir", Path.Combine(_temp, "empty"), "refresh" })
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        string stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(1, process.ExitCode);
        Assert.Single(stderr.TrimEnd().Split('\n'));
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";
}
