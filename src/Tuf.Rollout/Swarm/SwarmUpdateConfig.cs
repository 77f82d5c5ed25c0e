using System.Text.Json.Nodes;

namespace Tuf.Rollout.Swarm;

/// <summary>The strategy knobs as Swarm's <c>UpdateConfig</c> / <c>RollbackConfig</c> (Swarm does the batching).</summary>
internal static class SwarmUpdateConfig
{
    /// <summary>The JSON object Swarm reads for <paramref name="strategy"/>; a rollback config never rolls back.</summary>
    public static JsonObject From(RolloutStrategy strategy, bool forRollback)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        var action = strategy.FailureAction switch
        {
            FailureAction.Continue => "continue",
            FailureAction.Rollback when !forRollback => "rollback",
            _ => "pause",
        };
        return new JsonObject
        {
            ["Parallelism"] = strategy.Parallelism,
            ["Delay"] = Nanoseconds(strategy.Delay),
            ["FailureAction"] = action,
            ["Monitor"] = Nanoseconds(strategy.Monitor),
            ["MaxFailureRatio"] = strategy.MaxFailureRatio,
            ["Order"] = strategy.Order == UpdateOrder.StartFirst ? "start-first" : "stop-first",
        };
    }

    /// <summary>A copy of <paramref name="spec"/> running <paramref name="pinned"/> with the given strategies.</summary>
    /// <param name="spec">The service's spec (kept whole otherwise).</param>
    /// <param name="pinned">The image reference pinned by digest.</param>
    /// <param name="settings">Update and rollback strategies, or null to keep the spec's own.</param>
    /// <param name="replicas">A replica count to set (restoring a stopped service), or null.</param>
    public static JsonObject Apply(JsonObject spec, string pinned, RolloutSettings? settings, long? replicas)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var copy = (JsonObject)spec.DeepClone();
        var template = copy["TaskTemplate"] as JsonObject ?? throw new DockerException("the service spec has no TaskTemplate");
        var container = template["ContainerSpec"] as JsonObject ?? throw new DockerException("the service spec has no TaskTemplate.ContainerSpec");
        container["Image"] = pinned;
        if (settings is not null)
        {
            copy["UpdateConfig"] = From(settings.Update, forRollback: false);
            copy["RollbackConfig"] = From(settings.Rollback, forRollback: true);
        }

        if (replicas is { } n && copy["Mode"]?["Replicated"] is JsonObject replicated)
        {
            replicated["Replicas"] = n;
        }

        return copy;
    }

    private static long Nanoseconds(TimeSpan span) => span.Ticks * 100;
}
