using System.Text.RegularExpressions;
using Tuf.Testing;

namespace Tuf.Cli.Tests;

/// <summary>The README's signing walkthrough, run exactly as written (its shell block) with this build's tuf on PATH.</summary>
public sealed partial class ReadmeWalkthroughTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "tuf-readme-" + Guid.NewGuid().ToString("N"));

    public ReadmeWalkthroughTests() => Directory.CreateDirectory(_work);

    public void Dispose() => Directory.Delete(_work, recursive: true);

    internal static string ShellBlockAfter(string heading)
    {
        string readme = File.ReadAllText(Path.Combine(SharedVectors.RepoRoot, "README.md"));
        int at = readme.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(at >= 0, $"README.md has no heading '{heading}'");
        var block = ShellBlock().Match(readme, at);
        Assert.True(block.Success, $"no ```sh block after '{heading}'");
        return block.Groups[1].Value;
    }

    [Fact]
    public async Task SigningWalkthrough_RunsAsWritten_AndTheClientGetsTheVerifiedArchive()
    {
        string script = ShellBlockAfter("### Walkthrough: from `tuf key generate` to a repository a client downloads from");
        File.WriteAllText(Path.Combine(_work, "walkthrough.sh"), "set -euo pipefail\n" + script);
        var env = new Dictionary<string, string?>
        {
            ["PATH"] = AppContext.BaseDirectory + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
            ["PORT"] = Tuf.Rollout.Tests.RolloutTestKit.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["TUF_KEY_PASSPHRASE"] = null,
        };
        var result = await ChildProcess.RunAsync("bash", ["walkthrough.sh"], _work, TimeSpan.FromMinutes(3), env);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.StdOut}\n{result.StdErr}");

        string downloaded = Path.Combine(_work, "client", "targets", "app%2Fapp-1.2.tar.gz");
        Assert.Equal(File.ReadAllBytes(Path.Combine(_work, "build", "app-1.2.tar.gz")), File.ReadAllBytes(downloaded));
        Assert.Contains("app%2Fapp-1.2.tar.gz", result.StdOut);
        Assert.Contains("verified: ", result.StdOut);
        Assert.Contains("docs/guide/start.txt", result.StdOut);
    }

    [GeneratedRegex("```sh\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();
}
