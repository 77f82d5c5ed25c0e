using System.Text.Json;
using System.Text.Json.Serialization;
using Tuf.Internal;

namespace Tuf.Rollout.Swarm;

/// <summary>Where a swarm rollout stands (Docker's <c>UpdateStatus</c>, as this tool saw it last).</summary>
public enum SwarmPhase
{
    /// <summary>The service update was asked for (or is about to be) and Swarm is applying it.</summary>
    Updating,

    /// <summary>Every task runs the verified digest.</summary>
    Completed,

    /// <summary>Swarm paused the update (failures beyond the ratio with failure action pause), or it ended with tasks not running the digest.</summary>
    Paused,

    /// <summary>Swarm rolled the service back to its previous spec.</summary>
    RolledBack,

    /// <summary>Swarm's rollback itself paused.</summary>
    RollbackPaused,

    /// <summary>The service was scaled to 0 by <c>tuf rollout stop</c>.</summary>
    Stopped,
}

/// <summary>
/// The durable record of the last swarm rollout of a group, written before and after each step, so a killed
/// <c>tuf</c> can re-attach (<c>resume</c>) and <c>rollback</c> knows the previous verified digest.
/// </summary>
/// <param name="FormatVersion">1.</param>
/// <param name="Id">Random id of the rollout.</param>
/// <param name="Service">The service name from the group file.</param>
/// <param name="ServiceId">The service ID.</param>
/// <param name="TargetPath">The TUF target rolled out.</param>
/// <param name="Image">The image repository.</param>
/// <param name="Digest">The verified digest rolled out.</param>
/// <param name="Length">The verified manifest length.</param>
/// <param name="PreviousDigest">The verified digest the service ran before (what <c>rollback</c> returns to), if known.</param>
/// <param name="PreviousImage">The image the spec named before the update (for messages).</param>
/// <param name="Settings">The update and rollback strategies.</param>
/// <param name="SpecVersion">The service version the update was made against.</param>
/// <param name="AcceptedAt">When the daemon accepted the update (its clock): update statuses older than this belong to earlier updates.</param>
/// <param name="Phase">Where it stands.</param>
/// <param name="Reason">Why it paused, rolled back or failed.</param>
/// <param name="StoppedReplicas">The replica count before <c>stop</c> scaled the service to 0.</param>
/// <param name="StartedAt">When this rollout was planned.</param>
public sealed record SwarmJournal(
    int FormatVersion,
    string Id,
    string Service,
    string ServiceId,
    string TargetPath,
    string Image,
    string Digest,
    long Length,
    string? PreviousDigest,
    string? PreviousImage,
    RolloutSettings Settings,
    long SpecVersion,
    DateTimeOffset? AcceptedAt,
    SwarmPhase Phase,
    string? Reason,
    long? StoppedReplicas,
    DateTimeOffset StartedAt)
{
    /// <summary>The journal file in a group's state folder.</summary>
    /// <param name="stateDirectory">The group's state folder.</param>
    /// <returns>The path.</returns>
    public static string PathIn(string stateDirectory) => System.IO.Path.Combine(stateDirectory, "swarm-journal.json");

    /// <summary>The verified digest the service should run now: this rollout's when it completed, else the one before it.</summary>
    public string? VerifiedDigest => Phase is SwarmPhase.Completed or SwarmPhase.Updating or SwarmPhase.Stopped ? Digest : PreviousDigest;

    /// <summary>The verified reference the service should run now.</summary>
    public string? VerifiedPinned => VerifiedDigest is { } d ? Image + "@" + d : null;

    /// <summary>Reads the journal of a state folder, or null when there is none.</summary>
    /// <exception cref="InvalidDataException">The journal is unreadable.</exception>
    /// <param name="stateDirectory">The group's state folder.</param>
    /// <returns>The journal, or <see langword="null"/>.</returns>
    public static SwarmJournal? Load(string stateDirectory)
    {
        var path = PathIn(stateDirectory);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var journal = JsonSerializer.Deserialize(File.ReadAllBytes(path), SwarmJsonContext.Default.SwarmJournal);
            if (journal is null || journal.FormatVersion != 1)
            {
                throw new InvalidDataException($"swarm journal {path} is not a version 1 journal");
            }

            return journal;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"swarm journal {path} is unreadable: {ex.Message}", ex);
        }
    }

    /// <summary>Writes the journal durably.</summary>
    internal void Save(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        DurableFile.Write(PathIn(stateDirectory), JsonSerializer.SerializeToUtf8Bytes(this, SwarmJsonContext.Default.SwarmJournal));
    }
}

/// <summary>Source-generated JSON for the swarm journal.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SwarmJournal))]
internal sealed partial class SwarmJsonContext : JsonSerializerContext;
