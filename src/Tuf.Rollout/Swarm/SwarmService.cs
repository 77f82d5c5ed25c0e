using System.Text.Json.Nodes;

#pragma warning disable CA1507 // The strings are the Docker API's JSON field names, not names of ours.

namespace Tuf.Rollout.Swarm;

/// <summary>A swarm service as the daemon describes it: identity, the version an update must name, its spec (kept whole) and update status.</summary>
/// <param name="Id">The service ID.</param>
/// <param name="Name">The service name.</param>
/// <param name="Version">The version index (an update names it; a concurrent change moves it).</param>
/// <param name="Spec">The whole spec, as JSON.</param>
/// <param name="UpdateStatus">The state of the last update or rollback, if any.</param>
internal sealed record SwarmService(string Id, string Name, long Version, JsonObject Spec, SwarmUpdateStatus? UpdateStatus)
{
    /// <summary>The image the spec names (<c>TaskTemplate.ContainerSpec.Image</c>).</summary>
    public string? Image => Spec["TaskTemplate"]?["ContainerSpec"]?["Image"]?.GetValue<string>();

    /// <summary>The digest the spec pins the image to (<c>sha256:HEX</c>), or null when it names a tag only.</summary>
    public string? ImageDigest => DigestOf(Image);

    /// <summary>The replica count of a replicated service (null for a global one).</summary>
    public long? Replicas => Spec["Mode"]?["Replicated"]?["Replicas"]?.GetValue<long>();

    /// <summary>The digest part of an image reference (<c>...@sha256:HEX</c>), or null.</summary>
    public static string? DigestOf(string? image)
    {
        int at = image?.LastIndexOf('@') ?? -1;
        return at >= 0 ? image![(at + 1)..] : null;
    }

    /// <summary>Reads the daemon's service object.</summary>
    public static SwarmService From(JsonNode? node)
    {
        if (node is not JsonObject service || service["ID"]?.GetValue<string>() is not { } id || service["Spec"] is not JsonObject spec)
        {
            throw new DockerException("the daemon's service description lacks ID or Spec");
        }

        long version = service["Version"]?["Index"]?.GetValue<long>() ?? throw new DockerException("the daemon's service description lacks Version.Index");
        SwarmUpdateStatus? status = null;
        if (service["UpdateStatus"] is JsonObject u && u["State"]?.GetValue<string>() is { } state)
        {
            status = new SwarmUpdateStatus(state, Time(u["StartedAt"]), Time(u["CompletedAt"]), u["Message"]?.GetValue<string>());
        }

        return new SwarmService(id, spec["Name"]?.GetValue<string>() ?? id, version, (JsonObject)spec.DeepClone(), status);
    }

    internal static DateTimeOffset? Time(JsonNode? node) =>
        node?.GetValue<string>() is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t)
            && t.Year > 1
            ? t
            : null;
}

/// <summary>The daemon's <c>UpdateStatus</c>: <c>updating</c>, <c>paused</c>, <c>completed</c>, <c>rollback_started</c>,
/// <c>rollback_paused</c> or <c>rollback_completed</c>, with when and why.</summary>
internal sealed record SwarmUpdateStatus(string State, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, string? Message);
