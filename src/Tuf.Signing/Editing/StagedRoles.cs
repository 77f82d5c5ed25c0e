using System.Text.Json;
using Tuf.Internal;

namespace Tuf.Signing;

/// <summary>
/// The staged roles, <c>.tuf-staging/roles.json</c>: every role changed since the last commit, as the whole metadata
/// file it will be (payload with its next version, and the signatures collected so far), in one JSON document:
/// <code>{"format":"tuf-net-staged-roles","version":1,"roles":{"NAME":{"signatures":[...],"signed":{...}},...}}</code>
/// One file rather than one per role: a large <c>tuf repo add</c> stages every hash bin, and on some file systems
/// creating (at add) and deleting (at commit) a thousand small files costs more than writing their content. Each
/// role's bytes are kept as read, so a role that is not edited is written back unchanged, and parsed only when used.
/// </summary>
internal sealed class StagedRoles
{
    private const string FormatName = "tuf-net-staged-roles";
    private const int FormatVersion = 1;

    private readonly SortedDictionary<string, ReadOnlyMemory<byte>> _roles = new(StringComparer.Ordinal);

    /// <summary>Whether a role was set or removed since the file was read.</summary>
    public bool Dirty { get; private set; }

    /// <summary>The staged roles' names, in ordinal order.</summary>
    public IEnumerable<string> Names => _roles.Keys;

    public bool Contains(string name) => _roles.ContainsKey(name);

    /// <summary>The role's metadata file bytes. Safe to call from several threads while nothing is set.</summary>
    public bool TryGet(string name, out ReadOnlyMemory<byte> fileBytes) => _roles.TryGetValue(name, out fileBytes);

    /// <summary>Stages (or replaces) a role's metadata file bytes.</summary>
    public void Set(string name, ReadOnlyMemory<byte> fileBytes)
    {
        _roles[name] = fileBytes;
        Dirty = true;
    }

    /// <summary>
    /// Reads the staged roles; an absent file is an empty set. A staging area written by an earlier version (one
    /// file per role in <paramref name="legacyDirectory"/>) is read too, and replaced by the single file on the next save.
    /// </summary>
    /// <exception cref="SigningException">The file cannot be read or is not a staged-roles file.</exception>
    public static StagedRoles Load(string path, string legacyDirectory)
    {
        var staged = new StagedRoles();
        if (File.Exists(path))
        {
            staged.ReadBundle(RepositoryEditor.ReadFile(path), path);
        }

        if (Directory.Exists(legacyDirectory))
        {
            // (A role in both is one whose move into the staged-roles file was interrupted: that copy is newer.)
            foreach (var file in Directory.EnumerateFiles(legacyDirectory, "*.json"))
            {
                staged._roles.TryAdd(Uri.UnescapeDataString(Path.GetFileNameWithoutExtension(file)), RepositoryEditor.ReadFile(file));
            }

            staged.Dirty = true;
        }

        return staged;
    }

    /// <summary>Writes every staged role to <paramref name="path"/> atomically (no flush: staging is not published).</summary>
    public void Save(string path)
    {
        DurableFile.WriteStreaming(
            path,
            stream =>
            {
                using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { SkipValidation = true });
                writer.WriteStartObject();
                writer.WriteString("format", FormatName);
                writer.WriteNumber("version", FormatVersion);
                writer.WriteStartObject("roles");
                foreach (var (name, bytes) in _roles)
                {
                    writer.WritePropertyName(name);

                    // Every value is a metadata file this editor serialized (or read and parsed): valid JSON already.
                    writer.WriteRawValue(bytes.Span, skipInputValidation: true);
                    DurableFile.FlushWhenFull(writer);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            },
            durable: false);
        Dirty = false;
    }

    /// <summary>Indexes the roles object: each role's value is kept as a slice of <paramref name="data"/>, not parsed here.</summary>
    private void ReadBundle(byte[] data, string path)
    {
        string? format = null;
        long version = 0;
        bool sawRoles = false;
        try
        {
            var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = 256 });
            Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, "not a JSON object");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string property = reader.GetString()!;
                reader.Read();
                switch (property)
                {
                    case "format":
                        format = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                        break;
                    case "version":
                        version = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long v) ? v : -1;
                        break;
                    case "roles":
                        Expect(reader.TokenType == JsonTokenType.StartObject, "\"roles\" is not an object");
                        sawRoles = true;
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            string name = reader.GetString()!;
                            reader.Read();
                            if (reader.TokenType != JsonTokenType.StartObject)
                            {
                                Expect(false, $"role '{ErrorText.Untrusted(name)}' is not a metadata object");
                            }

                            int start = (int)reader.TokenStartIndex;
                            reader.Skip();
                            if (!_roles.TryAdd(name, data.AsMemory(start, (int)reader.BytesConsumed - start)))
                            {
                                Expect(false, $"role '{ErrorText.Untrusted(name)}' is listed twice");
                            }
                        }

                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            Expect(reader.TokenType == JsonTokenType.EndObject && !reader.Read(), "trailing data");
        }
        catch (JsonException ex)
        {
            throw new SigningException($"{path}: malformed JSON ({ex.Message})", ex);
        }

        Expect(format == FormatName, "\"format\" is not \"" + FormatName + "\"");
        Expect(version == FormatVersion, $"unsupported \"version\" (this tuf reads version {FormatVersion})");
        Expect(sawRoles, "\"roles\" is missing");

        void Expect(bool condition, string problem)
        {
            if (!condition)
            {
                throw new SigningException($"{path}: {problem}");
            }
        }
    }
}
