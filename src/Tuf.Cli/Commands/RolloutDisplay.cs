using Spectre.Console;
using Spectre.Console.Rendering;
using Tuf.Rollout;

namespace Tuf.Cli.Commands;

/// <summary>
/// Live rollout progress: a Spectre.Console table of instances and a progress bar when stdout is a terminal; one plain
/// line per event otherwise (logs, CI, pipes).
/// </summary>
internal static class RolloutDisplay
{
    public static bool Interactive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <param name="run">The rollout, given the progress callback.</param>
    /// <param name="console">The console for the live table; by default the terminal when interactive, else plain lines.</param>
    public static async Task<T> RunAsync<T>(Func<Action<RolloutProgress>, Task<T>> run, IAnsiConsole? console = null)
    {
        if (console is null && !Interactive)
        {
            var gate = new object();
            return await run(p =>
            {
                lock (gate)
                {
                    Console.Out.WriteLine(p.Instance is null ? p.Message : $"{p.Instance}: {p.Message}");
                }
            }).ConfigureAwait(false);
        }

        var last = new Dictionary<string, string>(StringComparer.Ordinal);
        var sync = new object();
        T result = default!;
        await (console ?? AnsiConsole.Console).Live(new Text("planning...")).AutoClear(false).StartAsync(async ctx =>
        {
            result = await run(p =>
            {
                lock (sync)
                {
                    if (p.Instance is not null)
                    {
                        last[p.Instance] = p.Message;
                    }

                    ctx.UpdateTarget(Render(p.State, last, p.Instance is null ? p.Message : null));
                    ctx.Refresh();
                }
            }).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return result;
    }

    internal static Rows Render(RolloutState state, Dictionary<string, string> last, string? headline)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Instance").AddColumn("State").AddColumn("Last event");
        foreach (var i in state.Instances)
        {
            var color = i.State switch
            {
                InstanceState.Updated or InstanceState.RolledBack => "green",
                InstanceState.Failed or InstanceState.RollbackFailed => "red",
                InstanceState.Updating or InstanceState.RollingBack => "yellow",
                _ => "grey",
            };
            table.AddRow(Markup.Escape(i.Name), $"[{color}]{i.State}[/]", Markup.Escape(last.GetValueOrDefault(i.Name, "")));
        }

        var done = state.Instances.Count(i => i.State is not (InstanceState.Pending or InstanceState.Updating or InstanceState.RollbackPending or InstanceState.RollingBack));
        var total = Math.Max(state.Instances.Length, 1);
        const int width = 30;
        var filled = done * width / total;
        var bar = $"[green]{new string('━', filled)}[/][grey]{new string('━', width - filled)}[/] {done}/{state.Instances.Length} {state.Phase}";
        var items = new List<IRenderable> { table, new Markup(bar) };
        if (headline is not null)
        {
            items.Add(new Text(headline));
        }

        return new Rows(items);
    }
}
