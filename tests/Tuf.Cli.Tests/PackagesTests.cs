using System.IO.Compression;
using System.Xml.Linq;
using Tuf.Testing;

namespace Tuf.Cli.Tests;

/// <summary>Packs the solution once (a fresh prerelease version, so no cached package can stand in for it).</summary>
public sealed class PackedFeed : IDisposable
{
    public PackedFeed()
    {
        Directory.CreateDirectory(Work);
        Version = "0.6.0-test." + Guid.NewGuid().ToString("N")[..12];
        // Built under its own artifacts path: the repository's bin/ and obj/, which other tests are running from, stay untouched.
        var failures = new List<string>();
        foreach (var project in new[] { "Tuf.Cli", "Tuf.Core", "Tuf.Client", "Tuf.Signing", "Tuf.Rollout" })
        {
            // At low priority (nice): it compiles everything again, while other test assemblies with deadlines run beside it.
            var pack = ChildProcess.RunAsync("nice", ["-n", "15", "dotnet", "pack", Path.Combine(SharedVectors.RepoRoot, "src", project), "-c", "Release", "-o", Feed,
                "--artifacts-path", Path.Combine(Work, "artifacts"), "-nologo", "-v", "q", $"-p:Version={Version}"], Work, TimeSpan.FromMinutes(8)).GetAwaiter().GetResult();
            if (pack.ExitCode != 0)
            {
                failures.Add($"dotnet pack {project} exited {pack.ExitCode}: {pack.StdOut}{pack.StdErr}");
            }
        }

        PackOutput = failures.Count == 0 ? null : string.Join(Environment.NewLine, failures);
    }

    public string Work { get; } = Path.Combine(Path.GetTempPath(), "tuf-packages-" + Guid.NewGuid().ToString("N"));

    public string Feed => Path.Combine(Work, "feed");

    public string Version { get; }

    /// <summary>Null when the pack succeeded, else what it printed.</summary>
    public string? PackOutput { get; }

    public void Dispose() => Directory.Delete(Work, recursive: true);
}

/// <summary>dotnet pack: library packages with README, license and symbols; the tuf tool; a sample built from the feed alone.</summary>
public sealed class PackagesTests(PackedFeed packed) : IClassFixture<PackedFeed>
{
    [Theory]
    [InlineData("Tuf.Core")]
    [InlineData("Tuf.Client")]
    [InlineData("Tuf.Signing")]
    [InlineData("Tuf.Rollout")]
    [InlineData("tuf")]
    public void Pack_EachPackage_HasReadmeLicenseDocsAndSymbols(string id)
    {
        Assert.Null(packed.PackOutput);
        string nupkg = Path.Combine(packed.Feed, $"{id}.{packed.Version}.nupkg");
        Assert.True(File.Exists(nupkg), $"{nupkg} missing; feed has {string.Join(", ", Directory.GetFiles(packed.Feed).Select(Path.GetFileName))}");
        Assert.Equal(id != "tuf", File.Exists(Path.Combine(packed.Feed, $"{id}.{packed.Version}.snupkg")));
        using var zip = ZipFile.OpenRead(nupkg);
        var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal("Apache-2.0", metadata.Element(ns + "license")!.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);
        Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")!.Value));
        Assert.Contains(zip.Entries, e => e.FullName == "README.md");
        if (id != "tuf")
        {
            Assert.Contains(zip.Entries, e => e.FullName == $"lib/net10.0/{id}.xml");
        }

        Assert.DoesNotContain(Directory.GetFiles(packed.Feed), f => Path.GetFileName(f).StartsWith("Tuf.Server.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ToolPackage_InstallIntoToolPath_TufQuickstartSucceeds()
    {
        Assert.Null(packed.PackOutput);
        string tools = Path.Combine(packed.Work, "tools");
        var install = await ChildProcess.RunAsync("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", packed.Feed, "--version", packed.Version, "tuf"],
            packed.Work, TimeSpan.FromMinutes(3));
        Assert.True(install.ExitCode == 0, $"dotnet tool install: {install.StdOut}{install.StdErr}");

        var quickstart = await ChildProcess.RunAsync(Path.Combine(tools, "tuf"), ["quickstart"], packed.Work, TimeSpan.FromMinutes(3));
        Assert.True(quickstart.ExitCode == 0, $"tuf quickstart: {quickstart.StdOut}{quickstart.StdErr}");
        Assert.Contains("verified sha256 ", quickstart.StdOut);
    }

    [Fact]
    public async Task UpdateClientSample_BuiltFromTheFeedOnly_DownloadsAVerifiedTarget()
    {
        Assert.Null(packed.PackOutput);
        string sample = Path.Combine(packed.Work, "UpdateClient");
        CopyFolder(Path.Combine(SharedVectors.RepoRoot, "samples"), Path.Combine(packed.Work, "samples-copy"));
        string project = Path.Combine(packed.Work, "samples-copy", "UpdateClient");
        var build = await ChildProcess.RunAsync("nice", ["-n", "15", "dotnet", "build", project, "-c", "Release", "-o", sample, "--source", packed.Feed, $"-p:TufVersion={packed.Version}", "-nologo", "-v", "q"],
            packed.Work, TimeSpan.FromMinutes(5));
        Assert.True(build.ExitCode == 0, $"dotnet build of the sample: {build.StdOut}{build.StdErr}");

        using var cli = new RepoCli();
        cli.InitAndCommit();
        cli.RunOk("repo", "add", cli.Repo, cli.Source("hello.txt", "hello from a verified target"), "--as", "greetings/hello.txt");
        cli.RunOk("repo", "commit", cli.Repo, "--key", "targets", "snapshot", "timestamp", "--keystore", cli.Keys);
        await using var server = Tuf.Testing.RepositorySimulatorServer.ForDirectory(cli.Repo);

        var run = await ChildProcess.RunAsync("dotnet", [Path.Combine(sample, "UpdateClient.dll"), server.MetadataUrl.ToString(), server.TargetsUrl.ToString(),
            Path.Combine(cli.Repo, "metadata", "1.root.json"), "greetings/hello.txt", Path.Combine(packed.Work, "client-state")], packed.Work, TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, $"sample: {run.StdOut}{run.StdErr}");
        Assert.StartsWith("verified greetings/hello.txt (28 bytes, sha256 ", run.StdOut);
        Assert.Contains("hello from a verified target", run.StdOut);
    }

    [Fact]
    public async Task RolloutHostSample_BuiltFromTheFeedOnly_RollsItsOwnInstancesToTheVerifiedRelease()
    {
        Assert.Null(packed.PackOutput);
        string sample = Path.Combine(packed.Work, "RolloutHost");
        CopyFolder(Path.Combine(SharedVectors.RepoRoot, "samples"), Path.Combine(packed.Work, "samples-rollout"));
        var build = await ChildProcess.RunAsync("nice", ["-n", "15", "dotnet", "build", Path.Combine(packed.Work, "samples-rollout", "RolloutHost"), "-c", "Release", "-o", sample, "--source", packed.Feed,
            $"-p:TufVersion={packed.Version}", "-nologo", "-v", "q"], packed.Work, TimeSpan.FromMinutes(5));
        Assert.True(build.ExitCode == 0, $"dotnet build of the sample: {build.StdOut}{build.StdErr}");

        using var kit = new Tuf.Rollout.Tests.RolloutTestKit(3);
        using var cli = new RepoCli();
        cli.InitAndCommit();
        string release = Path.Combine(cli.Root, "app-v1.tar.gz");
        File.WriteAllBytes(release, Tuf.Rollout.Tests.RolloutTestKit.Release("v1"));
        cli.RunOk("repo", "add", cli.Repo, release, "--as", "app/app.tar.gz");
        cli.RunOk("repo", "commit", cli.Repo, "--key", "targets", "snapshot", "timestamp", "--keystore", cli.Keys);
        await using var server = Tuf.Testing.RepositorySimulatorServer.ForDirectory(cli.Repo);

        var run = await ChildProcess.RunAsync("dotnet", [Path.Combine(sample, "RolloutHost.dll"), kit.GroupPath, server.MetadataUrl.ToString(), server.TargetsUrl.ToString(),
            Path.Combine(cli.Repo, "metadata", "1.root.json"), "app/app.tar.gz"], packed.Work, TimeSpan.FromMinutes(3));
        Assert.True(run.ExitCode == 0, $"sample: {run.StdOut}{run.StdErr}");
        Assert.StartsWith("verified app/app.tar.gz: ", run.StdOut);
        Assert.Contains("rollout completed: 3 instance(s) updated", run.StdOut);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal("v1", await kit.ServedVersionAsync(i));
        }
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories).Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal)))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
