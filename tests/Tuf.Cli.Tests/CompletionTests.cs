using Tuf.Testing;

namespace Tuf.Cli.Tests;

/// <summary>The bash completion script, sourced in a real bash, completes commands and options from tuf itself.</summary>
public sealed class CompletionTests
{
    [Theory]
    [InlineData("tuf repo co", "commit")]
    [InlineData("tuf repo commit ./r --keys", "--keystore")]
    [InlineData("tuf ver", "verify")]
    public async Task Bash_CompletesFromTheCommandTree(string line, string expected)
    {
        var script = await ChildProcess.RunAsync(Path.Combine(AppContext.BaseDirectory, "tuf"), ["completion", "bash"], Path.GetTempPath(), TimeSpan.FromMinutes(1));
        Assert.Equal(0, script.ExitCode);
        string driver = script.StdOut + $$"""

            COMP_LINE='{{line}}'
            COMP_POINT=${#COMP_LINE}
            read -ra COMP_WORDS <<< "$COMP_LINE"
            COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
            _tuf_complete
            printf '%s\n' "${COMPREPLY[@]}"
            """;
        var env = new Dictionary<string, string?> { ["PATH"] = AppContext.BaseDirectory + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH") };
        var result = await ChildProcess.RunAsync("bash", ["-c", driver], Path.GetTempPath(), TimeSpan.FromMinutes(1), env);
        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Contains(expected, result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("zsh", "compdef _tuf tuf")]
    [InlineData("fish", "complete -c tuf")]
    public async Task OtherShells_ScriptsAskTuf(string shell, string marker)
    {
        var script = await ChildProcess.RunAsync(Path.Combine(AppContext.BaseDirectory, "tuf"), ["completion", shell], Path.GetTempPath(), TimeSpan.FromMinutes(1));
        Assert.Equal(0, script.ExitCode);
        Assert.Contains(marker, script.StdOut);
        Assert.Contains("[suggest:", script.StdOut);
    }
}
