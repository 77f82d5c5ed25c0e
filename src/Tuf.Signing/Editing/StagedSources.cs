using System.Text.Json;
using Tuf.Internal;

namespace Tuf.Signing;

/// <summary>
/// Where the content of each staged target is (<c>.tuf-staging/sources.json</c>): <c>tuf repo add</c> hashes files in
/// place instead of copying them, and records here, by SHA-256, the source path, length and last write time (on
/// Linux also device, inode and nanosecond modification and change times); <c>tuf repo commit</c> copies each source
/// into <c>targets/</c>, re-hashing it, or hard-links it while its identity is unchanged. One file for all targets.
/// </summary>
internal sealed class StagedSources
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>A staged source file.</summary>
    public readonly record struct Entry(string FilePath, long Length, long LastWriteTicks, bool Link)
    {
        /// <summary>The file's identity when it was hashed (Linux); commit publishes it only while it still matches.</summary>
        public FileIdentity? Identity { get; init; }
    }

    public bool Dirty { get; private set; }

    public int Count => _entries.Count;

    public void Add(string sha256, Entry entry)
    {
        _entries[sha256] = entry;
        Dirty = true;
    }

    public bool TryGet(string sha256, out Entry entry) => _entries.TryGetValue(sha256, out entry);

    /// <summary>Makes room for <paramref name="more"/> entries at once (a large add would otherwise regrow the table ~17 times).</summary>
    public void Reserve(int more) => _entries.EnsureCapacity(_entries.Count + more);

    public static StagedSources Load(string path)
    {
        var sources = new StagedSources();
        if (!File.Exists(path))
        {
            return sources;
        }

        byte[] data = RepositoryEditor.ReadFile(path);

        try
        {
            using var doc = JsonDocument.Parse(data);
            var entries = doc.RootElement.GetProperty("sources");
            sources._entries.EnsureCapacity(entries.GetPropertyCount());
            foreach (var p in entries.EnumerateObject())
            {
                var v = p.Value;
                string filePath = v.GetProperty("path").GetString()!;
                long length = v.GetProperty("length").GetInt64();
                bool link = v.TryGetProperty("link", out var linkValue) && linkValue.GetBoolean();
                if (v.TryGetProperty("ino", out var ino))
                {
                    // The last write time is the identity's modification time, so it is not stored twice.
                    var identity = new FileIdentity(v.GetProperty("dev").GetUInt64(), ino.GetUInt64(), length, v.GetProperty("mtime_ns").GetInt64(), v.GetProperty("ctime_ns").GetInt64(), IsRegularFile: true);
                    sources._entries[p.Name] = new Entry(filePath, length, identity.LastWriteTicks, link) { Identity = identity };
                }
                else
                {
                    sources._entries[p.Name] = new Entry(filePath, length, v.GetProperty("mtime_ticks").GetInt64(), link);
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new SigningException($"{path}: malformed", ex);
        }

        return sources;
    }

    public void Save(string path)
    {
        DurableFile.WriteStreaming(path, stream => Write(stream), durable: false);
        Dirty = false;
    }

    private void Write(Stream stream)
    {
        using var w = new Utf8JsonWriter(stream);
        w.WriteStartObject();
        w.WriteNumber("version", 1);
        w.WriteStartObject("sources");
        foreach (var (sha256, entry) in _entries)
        {
            w.WriteStartObject(sha256);
            w.WriteString("path", entry.FilePath);
            w.WriteNumber("length", entry.Length);
            if (entry.Link)
            {
                w.WriteBoolean("link", true);
            }

            if (entry.Identity is { } id)
            {
                w.WriteNumber("dev", id.Device);
                w.WriteNumber("ino", id.Inode);
                w.WriteNumber("mtime_ns", id.ModifiedNanoseconds);
                w.WriteNumber("ctime_ns", id.ChangedNanoseconds);
            }
            else
            {
                w.WriteNumber("mtime_ticks", entry.LastWriteTicks);
            }

            w.WriteEndObject();
            DurableFile.FlushWhenFull(w);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }
}
