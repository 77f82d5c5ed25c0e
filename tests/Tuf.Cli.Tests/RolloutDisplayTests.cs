using System.Collections.Immutable;
using Spectre.Console;
using Tuf.Cli.Commands;
using Tuf.Rollout;

namespace Tuf.Cli.Tests;

/// <summary>The live rollout table (terminals): what it shows as progress events arrive.</summary>
public sealed class RolloutDisplayTests
{
    private static RolloutState State(RolloutPhase phase, params InstanceState[] states) =>
        new(phase, [.. states.Select((s, i) => new InstanceProgress($"web-{i + 1}", null, s))]);

    private static (IAnsiConsole Console, StringWriter Output) TestConsole()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 100;
        return (console, output);
    }

    [Fact]
    public void Render_ShowsEveryInstanceItsStateLastEventAndProgress()
    {
        var (console, output) = TestConsole();
        var state = State(RolloutPhase.Updating, InstanceState.Updated, InstanceState.Updating, InstanceState.Pending);
        var last = new Dictionary<string, string>(StringComparer.Ordinal) { ["web-1"] = "healthy", ["web-2"] = "starting [slot 1]" };

        console.Write(RolloutDisplay.Render(state, last, "batch 2 of 3"));

        string text = output.ToString();
        foreach (var expected in new[] { "web-1", "Updated", "healthy", "web-2", "Updating", "starting [slot 1]", "web-3", "Pending", "1/3 Updating", "batch 2 of 3" })
        {
            Assert.Contains(expected, text);
        }
    }

    [Fact]
    public async Task RunAsync_WithAConsole_RendersTheLatestStateAndReturnsTheResult()
    {
        var (console, output) = TestConsole();

        int result = await RolloutDisplay.RunAsync(report =>
        {
            report(new RolloutProgress(State(RolloutPhase.Updating, InstanceState.Updating, InstanceState.Pending), "web-1", "stopping old process"));
            report(new RolloutProgress(State(RolloutPhase.Updating, InstanceState.Updated, InstanceState.Updating), "web-1", "healthy"));
            report(new RolloutProgress(State(RolloutPhase.Completed, InstanceState.Updated, InstanceState.Updated), "web-2", "healthy"));
            report(new RolloutProgress(State(RolloutPhase.Completed, InstanceState.Updated, InstanceState.Updated), null, "rollout completed"));
            return Task.FromResult(42);
        }, console);

        Assert.Equal(42, result);
        string text = output.ToString();
        Assert.Contains("2/2 Completed", text);
        Assert.Contains("rollout completed", text);
        Assert.True(text.LastIndexOf("2/2 Completed", StringComparison.Ordinal) > text.LastIndexOf("planning...", StringComparison.Ordinal), "the last frame is the final state");
    }
}
