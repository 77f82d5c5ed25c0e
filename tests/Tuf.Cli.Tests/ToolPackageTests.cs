using Tuf.Cli.Tests.TestKit;

namespace Tuf.Cli.Tests;

/// <summary>`dotnet pack` of src/Tuf.Cli gives a tool package that installs as `tuf` and runs the quickstart.</summary>
public sealed class ToolPackageTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "tuf-tool-" + Guid.NewGuid().ToString("N"));

    public ToolPackageTests() => Directory.CreateDirectory(_work);

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Pack_InstallIntoToolPath_TufQuickstartSucceeds()
    {
        string feed = Path.Combine(_work, "feed");
        string tools = Path.Combine(_work, "tools");
        var pack = await ChildProcess.RunAsync("dotnet", ["pack", Path.Combine(ChildProcess.RepoRoot, "src", "Tuf.Cli"), "-c", "Release", "-o", feed, "-nologo", "-v", "q"],
            _work, TimeSpan.FromMinutes(5));
        Assert.True(pack.ExitCode == 0, $"dotnet pack: {pack.Out}{pack.Err}");
        Assert.Single(Directory.GetFiles(feed, "tuf.*.nupkg"));

        var install = await ChildProcess.RunAsync("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", feed, "tuf"], _work, TimeSpan.FromMinutes(3));
        Assert.True(install.ExitCode == 0, $"dotnet tool install: {install.Out}{install.Err}");

        var quickstart = await ChildProcess.RunAsync(Path.Combine(tools, "tuf"), ["quickstart"], _work, TimeSpan.FromMinutes(3));
        Assert.True(quickstart.ExitCode == 0, $"tuf quickstart: {quickstart.Out}{quickstart.Err}");
        Assert.Contains("verified sha256 ", quickstart.Out);
    }
}
