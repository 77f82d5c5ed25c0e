using System.Diagnostics;
using System.Text.RegularExpressions;
using Tuf.Cli.Commands;

namespace Tuf.Cli.Tests;

/// <summary><c>tuf quickstart</c> end to end: a local server process it starts and stops, or a given running server.</summary>
[Collection(RepoCliCollection.Name)]
public sealed partial class QuickstartCommandTests : IClassFixture<PublishServerFixture>, IDisposable
{
    private readonly PublishServerFixture _server;
    private readonly RepoCli _cli = new();

    public QuickstartCommandTests(PublishServerFixture server) => _server = server;

    public void Dispose() => _cli.Dispose();

    [GeneratedRegex(@"verified sha256 ([0-9a-f]{64})  hello/hello\.txt")]
    private static partial Regex VerifiedLine();

    [GeneratedRegex(@"\(pid (\d+), SQLite in (\S+)\)")]
    private static partial Regex StartedLine();

    [Fact]
    public void Quickstart_NoServer_StartsServerPublishesVerifiesAndCleansUp()
    {
        int code = _cli.Run("quickstart");

        Assert.True(code == 0, $"exit {code}: {_cli.Err}\n{_cli.Out}");
        var verified = VerifiedLine().Match(_cli.Out);
        Assert.True(verified.Success, _cli.Out);
        Assert.Contains($"sha256 {verified.Groups[1].Value})", _cli.Out, StringComparison.Ordinal);
        Assert.Contains("client refreshed trusted metadata", _cli.Out, StringComparison.Ordinal);

        // The server process is stopped and the temporary folder deleted.
        var started = StartedLine().Match(_cli.Out);
        Assert.True(started.Success, _cli.Out);
        int pid = int.Parse(started.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(IsGone(pid), $"server process {pid} still running");
        Assert.False(Directory.Exists(Path.GetDirectoryName(started.Groups[2].Value)));
    }

    [Fact]
    public async Task Quickstart_WithServer_PublishesToItAndVerifies()
    {
        string gun = $"example.com/qs-{Guid.NewGuid():N}"[..30];
        int code = _cli.Run("quickstart", "--server", _server.Url, "--token", _server.AdminToken, "--collection", gun);

        Assert.True(code == 0, $"exit {code}: {_cli.Err}\n{_cli.Out}");
        Assert.Matches(VerifiedLine(), _cli.Out);
        Assert.Contains($"using the Tuf.Server at {_server.Url}", _cli.Out, StringComparison.Ordinal);
        Assert.NotNull(await _server.GetAsync($"{gun}/metadata/timestamp.json"));
        Assert.NotNull(await _server.GetAsync($"{gun}/metadata/1.root.json"));
    }

    [Fact]
    public void Quickstart_ServerWithoutToken_UsageError()
    {
        string? saved = Environment.GetEnvironmentVariable("TUF_SERVER_TOKEN");
        Environment.SetEnvironmentVariable("TUF_SERVER_TOKEN", null);
        try
        {
            Assert.Equal(2, _cli.Run("quickstart", "--server", _server.Url));
            Assert.Contains("--token", _cli.Err, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("TUF_SERVER_TOKEN", saved);
        }
    }

    [Fact]
    public void Quickstart_ServerNotFound_SaysHowToBuildItOrUseServer()
    {
        Environment.SetEnvironmentVariable(QuickstartServer.ServerDllVariable, Path.Combine(_cli.Root, "missing", "Tuf.Server.dll"));
        try
        {
            Assert.Equal(1, _cli.Run("quickstart"));
            Assert.Contains("cannot find Tuf.Server.dll", _cli.Err, StringComparison.Ordinal);
            Assert.Contains("dotnet build src/Tuf.Server", _cli.Err, StringComparison.Ordinal);
            Assert.Contains("--server", _cli.Err, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(QuickstartServer.ServerDllVariable, null);
        }
    }

    [Fact]
    public async Task Quickstart_CancelledAfterServerStarted_StopsServerAndDeletesFolder()
    {
        using var cancel = new CancellationTokenSource();
        var output = new CancelOnWrite("started a local Tuf.Server", cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => QuickstartCommand.RunAsync(null, null, "example.com/cancelled", null, output, cancel.Token));

        var started = StartedLine().Match(output.Text);
        Assert.True(started.Success, output.Text);
        Assert.True(IsGone(int.Parse(started.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)), "server still running");
        Assert.False(Directory.Exists(Path.GetDirectoryName(started.Groups[2].Value)));
    }

    [Fact]
    public void TufAssembly_StartsServerAsProcess_NeverReferencesServerOrAspNetCore()
    {
        // The tuf binary is published as Native AOT; Tuf.Server is only a build-order reference.
        var names = typeof(Program).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.DoesNotContain(names, n => n == "Tuf.Server" || n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.NotNull(QuickstartServer.FindServerDll());
    }

    /// <summary>Output that cancels the run when a line containing a marker is written.</summary>
    private sealed class CancelOnWrite(string marker, CancellationTokenSource cancel) : StringWriter
    {
        public string Text => ToString();

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value?.Contains(marker, StringComparison.Ordinal) == true)
            {
                cancel.Cancel();
            }
        }
    }

    private static bool IsGone(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
