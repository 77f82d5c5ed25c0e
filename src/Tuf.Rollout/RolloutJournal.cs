using System.Text.Json;
using System.Text.Json.Serialization;
using Tuf.Internal;

namespace Tuf.Rollout;

/// <summary>
/// The durable record of one rollout: the verified artifact, the strategies and the per-instance progress. Written
/// atomically after every step, so a killed updater resumes exactly where it stopped.
/// </summary>
/// <param name="FormatVersion">Journal format version (1).</param>
/// <param name="Id">Random id of the rollout.</param>
/// <param name="TargetPath">The TUF target path.</param>
/// <param name="Sha256">The verified sha256 (lowercase hex).</param>
/// <param name="Length">The verified length.</param>
/// <param name="Source">Where the artifact came from, if from a repository.</param>
/// <param name="Settings">Update and rollback strategies.</param>
/// <param name="State">Progress.</param>
/// <param name="StartedAt">When the rollout was planned.</param>
public sealed record RolloutJournal(
    int FormatVersion,
    string Id,
    string TargetPath,
    string Sha256,
    long Length,
    RepositorySource? Source,
    RolloutSettings Settings,
    RolloutState State,
    DateTimeOffset StartedAt)
{
    /// <summary>The journal file inside a group's state folder.</summary>
    public static string PathIn(string stateDirectory) => System.IO.Path.Combine(stateDirectory, "journal.json");

    /// <summary>Reads the journal of a state folder, or null when there is none.</summary>
    /// <exception cref="InvalidDataException">The journal is unreadable.</exception>
    public static RolloutJournal? Load(string stateDirectory)
    {
        var path = PathIn(stateDirectory);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var journal = JsonSerializer.Deserialize(File.ReadAllBytes(path), RolloutJsonContext.Default.RolloutJournal);
            if (journal is null || journal.FormatVersion != 1 || !ReleaseStore.IsSha256(journal.Sha256))
            {
                throw new InvalidDataException($"rollout journal {path} is not a version 1 journal");
            }

            return journal;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"rollout journal {path} is unreadable: {ex.Message}", ex);
        }
    }

    /// <summary>Writes the journal atomically (temp + fsync + rename).</summary>
    public void Save(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        DurableFile.Write(PathIn(stateDirectory), JsonSerializer.SerializeToUtf8Bytes(this, RolloutJsonContext.Default.RolloutJournal));
    }

    /// <summary>The verified artifact as kept in the state folder.</summary>
    public VerifiedArtifact Artifact(string stateDirectory) =>
        new(TargetPath, System.IO.Path.Combine(stateDirectory, "artifacts", Sha256), Length, Sha256);
}

/// <summary>Source-generated JSON for the journal.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RolloutJournal))]
internal sealed partial class RolloutJsonContext : JsonSerializerContext;
