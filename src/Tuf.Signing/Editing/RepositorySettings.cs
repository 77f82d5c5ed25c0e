using System.Text.Json;

namespace Tuf.Signing;

/// <summary>
/// Per-repository settings kept in the staging area (<c>.tuf-staging/settings.json</c>): how many days each role's
/// new versions stay valid, and the layout of published files. They survive commits.
/// </summary>
internal sealed class RepositorySettings
{
    public const int DefaultRootDays = 365;
    public const int DefaultTargetsDays = 90;
    public const int DefaultSnapshotDays = 7;
    public const int DefaultTimestampDays = 1;

    /// <summary>Days of validity by role name; <c>delegated</c> is the default for delegated roles.</summary>
    public Dictionary<string, int> ExpiryDays { get; } = new(StringComparer.Ordinal)
    {
        ["root"] = DefaultRootDays,
        ["targets"] = DefaultTargetsDays,
        ["snapshot"] = DefaultSnapshotDays,
        ["timestamp"] = DefaultTimestampDays,
        ["delegated"] = DefaultTargetsDays,
    };

    /// <summary>
    /// The layout of published metadata files: python-tuf's indented layout. (Canonical JSON as a file layout is not
    /// valid JSON once a string holds a control character, e.g. the newlines of a PEM key, so it is not offered.)
    /// </summary>
    public MetadataFileFormat FileFormat { get; set; } = MetadataFileFormat.Indented;

    /// <summary>
    /// With consistent snapshots, whether each target is published under every listed hash name
    /// (<c>SHA256.name</c> plus a hard link <c>SHA512.name</c>, the default) or only under the first one
    /// (<c>"target_hash_names": "first"</c>). Our client and python-tuf fetch the first listed hash's name, but
    /// go-tuf picks one of the hashes in map order, so the second name is kept unless configured otherwise.
    /// </summary>
    public bool PublishAllHashNames { get; set; } = true;

    /// <summary>Roles a server signs (<c>timestamp</c>, maybe <c>snapshot</c>): commits keep only unsigned local records of them.</summary>
    public SortedSet<string> ServerSignedRoles { get; } = new(StringComparer.Ordinal);

    public int DaysFor(string role) =>
        ExpiryDays.TryGetValue(role, out int d) ? d : ExpiryDays.GetValueOrDefault("delegated", DefaultTargetsDays);

    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("version", 1);
            w.WriteString("file_format", FileFormat == MetadataFileFormat.Indented ? "indented" : "compact");
            w.WriteString("target_hash_names", PublishAllHashNames ? "all" : "first");
            w.WriteStartObject("expiry_days");
            foreach (var (role, days) in ExpiryDays.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                w.WriteNumber(role, days);
            }

            w.WriteEndObject();
            if (ServerSignedRoles.Count > 0)
            {
                w.WriteStartArray("server_signed_roles");
                foreach (var role in ServerSignedRoles)
                {
                    w.WriteStringValue(role);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        return stream.ToArray();
    }

    public static RepositorySettings Parse(ReadOnlySpan<byte> data, string source)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
            using var doc = JsonDocument.ParseValue(ref reader);
            var settings = new RepositorySettings();
            if (doc.RootElement.TryGetProperty("file_format", out var ff))
            {
                settings.FileFormat = ff.GetString() == "indented" ? MetadataFileFormat.Indented : MetadataFileFormat.Compact;
            }

            if (doc.RootElement.TryGetProperty("target_hash_names", out var names))
            {
                settings.PublishAllHashNames = names.GetString() switch
                {
                    "all" => true,
                    "first" => false,
                    _ => throw new FormatException("target_hash_names must be \"all\" or \"first\""),
                };
            }

            if (doc.RootElement.TryGetProperty("expiry_days", out var days))
            {
                foreach (var p in days.EnumerateObject())
                {
                    settings.ExpiryDays[p.Name] = p.Value.GetInt32();
                }
            }

            if (doc.RootElement.TryGetProperty("server_signed_roles", out var serverRoles))
            {
                foreach (var r in serverRoles.EnumerateArray())
                {
                    string role = r.GetString() ?? "";
                    if (role is not "snapshot" and not "timestamp")
                    {
                        throw new SigningException($"{source}: server_signed_roles may hold only snapshot and timestamp");
                    }

                    settings.ServerSignedRoles.Add(role);
                }
            }

            return settings;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new SigningException($"{source}: malformed settings file", ex);
        }
    }
}
