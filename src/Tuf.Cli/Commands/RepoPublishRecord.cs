using System.Text.Json;
using Tuf.Internal;
using Tuf.Signing;

namespace Tuf.Cli.Commands;

/// <summary>
/// What <c>tuf repo publish</c> last uploaded to a server collection, kept in the repository's staging area
/// (<c>.tuf-staging/published.json</c>, never published): the server, the collection, each role's version and each
/// hosted target's hash. A record for another server or collection counts as none (publish then asks the server).
/// </summary>
internal sealed class RepoPublishRecord
{
    public const string FileName = "published.json";

    private RepoPublishRecord(string path, string server, string collection)
    {
        FilePath = path;
        Server = server;
        Collection = collection;
    }

    public string FilePath { get; }

    public string Server { get; }

    public string Collection { get; }

    public Dictionary<string, long> Roles { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Targets { get; } = new(StringComparer.Ordinal);

    public long VersionOf(string role) => Roles.GetValueOrDefault(role);

    /// <summary>Loads the record for this server and collection (empty when there is none, or it is for another).</summary>
    public static RepoPublishRecord Load(string repositoryDirectory, Uri server, string collection)
    {
        string path = Path.Combine(Path.GetFullPath(repositoryDirectory), ".tuf-staging", FileName);
        var record = new RepoPublishRecord(path, server.AbsoluteUri, collection);
        if (!File.Exists(path))
        {
            return record;
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var e = doc.RootElement;
            if (e.GetProperty("server").GetString() != record.Server || e.GetProperty("collection").GetString() != collection)
            {
                return record;
            }

            foreach (var p in e.GetProperty("roles").EnumerateObject())
            {
                record.Roles[p.Name] = p.Value.GetInt64();
            }

            foreach (var p in e.GetProperty("targets").EnumerateObject())
            {
                record.Targets[p.Name] = p.Value.GetString() ?? "";
            }

            return record;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new SigningException($"{path}: malformed publish record (delete it to publish everything again)", ex);
        }
    }

    /// <summary>Writes the record atomically.</summary>
    public void Save()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("version", 1);
            w.WriteString("server", Server);
            w.WriteString("collection", Collection);
            w.WriteStartObject("roles");
            foreach (var (role, version) in Roles.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                w.WriteNumber(role, version);
            }

            w.WriteEndObject();
            w.WriteStartObject("targets");
            foreach (var (path, hash) in Targets.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                w.WriteString(path, hash);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        DurableFile.Write(FilePath, stream.ToArray());
    }
}
