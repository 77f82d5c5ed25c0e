using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Tuf.Rollout;

namespace Tuf.Cli.Commands;

/// <summary>The options shared by the <c>tuf rollout</c> subcommands: group, repository, and docker-style strategy knobs.</summary>
internal sealed partial class RolloutOptions
{
    public Option<FileInfo> Group { get; } = new("--group") { Description = "The group file (JSON) describing the instances", Required = true };

    public Option<string> Target { get; } = new("--target") { Description = "The TUF target path to roll out", Required = true };

    public Option<string> MetadataUrl { get; } = new("--metadata-url") { Description = "The repository's metadata base URL", Required = true };

    public Option<string> TargetsUrl { get; } = new("--targets-url") { Description = "The repository's targets base URL", Required = true };

    public Option<DirectoryInfo> MetadataDir { get; } = new("--metadata-dir") { Description = "Directory of trusted metadata (created if missing)", Required = true };

    public Option<FileInfo?> Root { get; } = new("--root") { Description = "Trusted root.json, needed while the metadata directory holds none" };

    private readonly StrategyOptions _update = new("", "update");
    private readonly StrategyOptions _rollback = new("rollback-", "rollback");

    public Option<string> HealthTimeout { get; } = new("--health-timeout") { Description = "How long a started instance may take to become healthy (default 30s)" };

    public Option<string> HealthInterval { get; } = new("--health-interval") { Description = "How often health is polled (default 500ms)" };

    /// <summary>Adds the repository options to <paramref name="command"/>.</summary>
    public void AddRepository(Command command)
    {
        command.Options.Add(Target);
        command.Options.Add(MetadataUrl);
        command.Options.Add(TargetsUrl);
        command.Options.Add(MetadataDir);
        command.Options.Add(Root);
    }

    /// <summary>Adds the update and rollback strategy options to <paramref name="command"/>.</summary>
    public void AddStrategy(Command command)
    {
        _update.AddTo(command);
        _rollback.AddTo(command);
        command.Options.Add(HealthTimeout);
        command.Options.Add(HealthInterval);
    }

    public RepositorySource Repository(ParseResult parse)
    {
        if (!Uri.TryCreate(parse.GetValue(MetadataUrl), UriKind.Absolute, out var metadataUrl) || metadataUrl.Scheme is not ("http" or "https")
            || !Uri.TryCreate(parse.GetValue(TargetsUrl), UriKind.Absolute, out var targetsUrl) || targetsUrl.Scheme is not ("http" or "https"))
        {
            throw new UsageException("--metadata-url and --targets-url must be absolute http(s) URLs");
        }

        var root = parse.GetValue(Root);
        if (root is not null && !root.Exists && !File.Exists(Path.Combine(parse.GetValue(MetadataDir)!.FullName, "root.json")))
        {
            throw new FileNotFoundException($"--root: no such file: {root.FullName} (the trusted root.json to start from, checked out of band)", root.FullName);
        }

        return new RepositorySource(metadataUrl.AbsoluteUri, targetsUrl.AbsoluteUri, parse.GetValue(MetadataDir)!.FullName, root?.FullName);
    }

    public RolloutSettings Settings(ParseResult parse)
    {
        var defaults = new RolloutStrategy();
        var timeout = parse.GetValue(HealthTimeout) is { } t ? ParseDuration(t, "--health-timeout") : defaults.HealthTimeout;
        var interval = parse.GetValue(HealthInterval) is { } i ? ParseDuration(i, "--health-interval") : defaults.HealthInterval;
        var settings = new RolloutSettings(
            _update.Build(parse) with { HealthTimeout = timeout, HealthInterval = interval },
            _rollback.Build(parse) with { HealthTimeout = timeout, HealthInterval = interval });
        try
        {
            settings.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message);
        }

        return settings;
    }

    /// <summary>Docker-style durations: <c>500ms</c>, <c>10s</c>, <c>1m30s</c>, <c>2h</c>, or plain seconds.</summary>
    public static TimeSpan ParseDuration(string text, string option)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds < 1e7)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        var match = DurationPattern().Match(text);
        if (!match.Success || text.Length == 0)
        {
            throw new UsageException($"{option}: '{text}' is not a duration (e.g. 500ms, 10s, 1m30s)");
        }

        var total = TimeSpan.Zero;
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var unit = PartPattern().Match(part.Value);
            var value = double.Parse(unit.Groups[1].Value, CultureInfo.InvariantCulture);
            total += unit.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(value),
                "s" => TimeSpan.FromSeconds(value),
                "m" => TimeSpan.FromMinutes(value),
                _ => TimeSpan.FromHours(value),
            };
        }

        return total;
    }

    [GeneratedRegex(@"^(?<part>\d+(?:\.\d+)?(?:ms|s|m|h))+$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s|m|h)$")]
    private static partial Regex PartPattern();

    /// <summary>One direction's knobs, named like docker's <c>--update-*</c> / <c>--rollback-*</c> flags.</summary>
    private sealed class StrategyOptions
    {
        private readonly string _prefix;
        private readonly Option<int?> _parallelism;
        private readonly Option<string> _delay;
        private readonly Option<string> _monitor;
        private readonly Option<double?> _maxFailureRatio;
        private readonly Option<string> _failureAction;
        private readonly Option<string> _order;

        public StrategyOptions(string prefix, string what)
        {
            _prefix = prefix;
            _parallelism = new($"--{prefix}parallelism") { Description = $"Instances {(what == "update" ? "updated" : "rolled back")} at once; 0 = all (default 1)" };
            _delay = new($"--{prefix}delay") { Description = $"Delay between {what} batches (default 0s)" };
            _monitor = new($"--{prefix}monitor") { Description = $"How long each instance must stay healthy after its {what} (default 5s)" };
            _maxFailureRatio = new($"--{prefix}max-failure-ratio") { Description = "Fraction of instances allowed to fail (default 0)" };
            _failureAction = new($"--{prefix}failure-action") { Description = prefix.Length == 0 ? "pause (default) | continue | rollback" : "pause (default) | continue" };
            _failureAction.AcceptOnlyFromAmong(prefix.Length == 0 ? ["pause", "continue", "rollback"] : ["pause", "continue"]);
            _order = new($"--{prefix}order") { Description = "stop-first (default) | start-first" };
            _order.AcceptOnlyFromAmong("stop-first", "start-first");
        }

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { _parallelism, _delay, _monitor, _maxFailureRatio, _failureAction, _order })
            {
                command.Options.Add(option);
            }
        }

        public RolloutStrategy Build(ParseResult parse)
        {
            var s = new RolloutStrategy();
            if (parse.GetValue(_parallelism) is { } p)
            {
                s = s with { Parallelism = p };
            }

            if (parse.GetValue(_delay) is { } d)
            {
                s = s with { Delay = ParseDuration(d, $"--{_prefix}delay") };
            }

            if (parse.GetValue(_monitor) is { } m)
            {
                s = s with { Monitor = ParseDuration(m, $"--{_prefix}monitor") };
            }

            if (parse.GetValue(_maxFailureRatio) is { } r)
            {
                s = s with { MaxFailureRatio = r };
            }

            if (parse.GetValue(_failureAction) is { } a)
            {
                s = s with { FailureAction = a switch { "continue" => FailureAction.Continue, "rollback" => FailureAction.Rollback, _ => FailureAction.Pause } };
            }

            if (parse.GetValue(_order) is { } o)
            {
                s = s with { Order = o == "start-first" ? UpdateOrder.StartFirst : UpdateOrder.StopFirst };
            }

            return s;
        }
    }
}
