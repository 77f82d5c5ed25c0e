using System.Text;
using System.Text.Json;
using Tuf.Internal;

namespace Tuf;

/// <summary>
/// Writes the metadata model directly (no intermediate tree): known fields and <c>UnrecognizedFields</c> are merged
/// in code-point order, maps are written in key order. Canonical JSON, or with <c>pretty</c> the python-tuf file
/// layout (<c>json.dumps(indent=1, separators=(",", ": "), sort_keys=True)</c>, ASCII-only strings).
/// </summary>
internal sealed class CanonicalModelWriter
{
    private static readonly Fields RootFields = new("_type", "consistent_snapshot", "expires", "keys", "roles", "spec_version", "version");
    private static readonly Fields TimestampSnapshotFields = new("_type", "expires", "meta", "spec_version", "version");
    private static readonly Fields TargetsFields = new("_type", "delegations", "expires", "spec_version", "targets", "version");
    private static readonly Fields KeyFields = new("keytype", "keyval", "scheme");
    private static readonly Fields KeyValFields = new("public");
    private static readonly Fields RoleFields = new("keyids", "threshold");
    private static readonly Fields MetaFileFields = new("hashes", "length", "version");
    private static readonly Fields TargetFileFields = new("hashes", "length");
    private static readonly Fields DelegationsFields = new("keys", "roles", "succinct_roles");
    private static readonly Fields DelegatedRoleFields = new("keyids", "name", "path_hash_prefixes", "paths", "terminating", "threshold");
    private static readonly Fields SuccinctRolesFields = new("bit_length", "keyids", "name_prefix", "threshold");
    private static readonly Fields EnvelopeFields = new("signatures", "signed");
    private static readonly Fields SignatureFields = new("keyid", "sig");

    private readonly PooledBufferWriter _output;
    private readonly bool _pretty;
    private readonly bool _escape;
    private int _level;

    /// <param name="output">Where to write.</param>
    /// <param name="pretty">python-tuf's indented layout (implies JSON escapes).</param>
    /// <param name="jsonEscapes">Escape strings as Python's <c>json.dumps</c> does (ASCII-only) instead of the raw canonical form.</param>
    public CanonicalModelWriter(PooledBufferWriter output, bool pretty = false, bool jsonEscapes = false)
    {
        _output = output;
        _pretty = pretty;
        _escape = pretty || jsonEscapes;
    }

    private delegate void MemberWriter<TState>(CanonicalModelWriter writer, TState state, int field);

    public void WriteSigned(Signed signed)
    {
        switch (signed)
        {
            case Root root:
                WriteObject(RootFields, AllOf(RootFields), root.UnrecognizedFields, root, static (w, r, f) =>
                {
                    switch (f)
                    {
                        case 1: w.WriteBool(r.ConsistentSnapshot); break;
                        case 3: w.WriteMap(r.Keys, static (w2, k) => w2.WriteKey(k)); break;
                        case 4: w.WriteMap(r.Roles, static (w2, role) => w2.WriteRole(role)); break;
                        default: w.WriteCommon(r, f, RootFields); break;
                    }
                });
                break;
            case Timestamp timestamp:
                WriteObject(TimestampSnapshotFields, AllOf(TimestampSnapshotFields), timestamp.UnrecognizedFields, timestamp, static (w, t, f) =>
                {
                    if (f == 2)
                    {
                        var meta = new Dictionary<string, MetaFile>(t.OtherMeta, StringComparer.Ordinal) { ["snapshot.json"] = t.SnapshotMeta };
                        w.WriteMap(meta, static (w2, m) => w2.WriteMetaFile(m));
                    }
                    else
                    {
                        w.WriteCommon(t, f, TimestampSnapshotFields);
                    }
                });
                break;
            case Snapshot snapshot:
                WriteObject(TimestampSnapshotFields, AllOf(TimestampSnapshotFields), snapshot.UnrecognizedFields, snapshot, static (w, s, f) =>
                {
                    if (f == 2)
                    {
                        w.WriteMap(s.Meta, static (w2, m) => w2.WriteMetaFile(m));
                    }
                    else
                    {
                        w.WriteCommon(s, f, TimestampSnapshotFields);
                    }
                });
                break;
            case Targets targets:
                uint present = AllOf(TargetsFields) & ~(targets.Delegations is null ? 1u << 1 : 0);
                WriteObject(TargetsFields, present, targets.UnrecognizedFields, targets, static (w, t, f) =>
                {
                    switch (f)
                    {
                        case 1: w.WriteDelegations(t.Delegations!); break;
                        case 4: w.WriteMap(t.TargetFiles, static (w2, file) => w2.WriteTargetFile(file)); break;
                        default: w.WriteCommon(t, f, TargetsFields); break;
                    }
                });
                break;
            default:
                throw new ArgumentException("Unknown metadata type " + signed?.GetType().Name, nameof(signed));
        }
    }

    public void WriteEnvelope(Signed signed, IEnumerable<Signature> signatures)
    {
        var list = signatures as IReadOnlyList<Signature> ?? signatures.ToList();
        WriteObject(EnvelopeFields, AllOf(EnvelopeFields), null, (signed, list), static (w, s, f) =>
        {
            if (f == 0)
            {
                w.WriteSignatures(s.list);
            }
            else
            {
                w.WriteSigned(s.signed);
            }
        });
    }

    /// <summary>
    /// The envelope with <c>signed</c> given as its canonical bytes, copied as they are (re-indented in the pretty
    /// layout): the file form of metadata whose canonical bytes are already known (a staged role being published),
    /// without encoding the model again. The caller checks that the bytes need no different escaping.
    /// </summary>
    public void WriteEnvelope(ReadOnlyMemory<byte> canonicalSigned, IReadOnlyList<Signature> signatures)
    {
        WriteObject(EnvelopeFields, AllOf(EnvelopeFields), null, (canonicalSigned, signatures), static (w, s, f) =>
        {
            if (f == 0)
            {
                w.WriteSignatures(s.signatures);
            }
            else if (w._pretty)
            {
                PythonJsonWriter.WriteIndentedCanonical(s.canonicalSigned.Span, w._output, w._level);
            }
            else
            {
                w._output.Write(s.canonicalSigned.Span);
            }
        });
    }

    private void WriteSignatures(IReadOnlyList<Signature> signatures) =>
        WriteArray(signatures, static (w, sig) =>
        {
            ArgumentNullException.ThrowIfNull(sig);
            w.WriteObject(SignatureFields, AllOf(SignatureFields), null, sig, static (w2, g, f) => w2.WriteString(f == 0 ? g.KeyId : g.Sig, "keyid/sig"));
        });

    public void WriteKey(Key key)
    {
        ArgumentNullException.ThrowIfNull(key);
        WriteObject(KeyFields, AllOf(KeyFields), key.UnrecognizedFields, key, static (w, k, f) =>
        {
            switch (f)
            {
                case 0: w.WriteString(k.KeyType, "keytype"); break;
                case 1:
                    w.WriteObject(KeyValFields, AllOf(KeyValFields), k.KeyValUnrecognizedFields, k, static (w2, k2, _) => w2.WriteString(k2.Public, "keyval.public"));
                    break;
                default: w.WriteString(k.Scheme, "scheme"); break;
            }
        });
    }

    private void WriteCommon(Signed signed, int field, Fields fields)
    {
        switch (fields.Names[field])
        {
            case "_type": WriteString(signed.Type, "_type"); break;
            case "expires": WriteString(ExpiresText(signed), "expires"); break;
            case "spec_version": WriteString(signed.SpecVersion, "spec_version"); break;
            default: WriteInteger(signed.Version); break;
        }
    }

    private static string ExpiresText(Signed signed) =>
        signed.ReceivedExpires is { } received && received.Value == signed.Expires ? received.Text : Rfc3339Time.Format(signed.Expires);

    private void WriteRole(Role role)
    {
        ArgumentNullException.ThrowIfNull(role);
        WriteObject(RoleFields, AllOf(RoleFields), role.UnrecognizedFields, role, static (w, r, f) =>
        {
            if (f == 0)
            {
                w.WriteStringList(r.KeyIds, "keyids");
            }
            else
            {
                w.WriteInteger(r.Threshold);
            }
        });
    }

    private void WriteMetaFile(MetaFile meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        uint present = 1u << 2 | (meta.Hashes is null ? 0 : 1u) | (meta.Length is null ? 0 : 1u << 1);
        WriteObject(MetaFileFields, present, meta.UnrecognizedFields, meta, static (w, m, f) =>
        {
            switch (f)
            {
                case 0: w.WriteHashes(m.Hashes!); break;
                case 1: w.WriteInteger(m.Length!.Value); break;
                default: w.WriteInteger(m.Version); break;
            }
        });
    }

    private void WriteTargetFile(TargetFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        WriteObject(TargetFileFields, AllOf(TargetFileFields), file.HasUnrecognizedFields ? file.UnrecognizedFields : null, file, static (w, t, f) =>
        {
            if (f == 0)
            {
                w.WriteHashes(t.Hashes);
            }
            else
            {
                w.WriteInteger(t.Length);
            }
        });
    }

    private void WriteDelegations(Delegations delegations)
    {
        if ((delegations.Roles is null) == (delegations.SuccinctRoles is null))
        {
            throw new ArgumentException("Delegations must have exactly one of Roles and SuccinctRoles.");
        }

        uint present = 1u | (delegations.Roles is null ? 0 : 1u << 1) | (delegations.SuccinctRoles is null ? 0 : 1u << 2);
        WriteObject(DelegationsFields, present, delegations.UnrecognizedFields, delegations, static (w, d, f) =>
        {
            switch (f)
            {
                case 0: w.WriteMap(d.Keys, static (w2, k) => w2.WriteKey(k)); break;
                case 1: w.WriteArray(d.Roles!, static (w2, r) => w2.WriteDelegatedRole(r)); break;
                default: w.WriteSuccinctRoles(d.SuccinctRoles!); break;
            }
        });
    }

    private void WriteDelegatedRole(DelegatedRole role)
    {
        ArgumentNullException.ThrowIfNull(role);
        if ((role.Paths is null) == (role.PathHashPrefixes is null))
        {
            throw new ArgumentException("A delegated role must have exactly one of Paths and PathHashPrefixes.");
        }

        uint present = AllOf(DelegatedRoleFields) & ~(role.PathHashPrefixes is null ? 1u << 2 : 1u << 3);
        WriteObject(DelegatedRoleFields, present, role.UnrecognizedFields, role, static (w, r, f) =>
        {
            switch (f)
            {
                case 0: w.WriteStringList(r.KeyIds, "keyids"); break;
                case 1: w.WriteString(r.Name, "name"); break;
                case 2: w.WriteStringList(r.PathHashPrefixes!, "path_hash_prefixes"); break;
                case 3: w.WriteStringList(r.Paths!, "paths"); break;
                case 4: w.WriteBool(r.Terminating); break;
                default: w.WriteInteger(r.Threshold); break;
            }
        });
    }

    private void WriteSuccinctRoles(SuccinctRoles roles)
    {
        WriteObject(SuccinctRolesFields, AllOf(SuccinctRolesFields), roles.UnrecognizedFields, roles, static (w, r, f) =>
        {
            switch (f)
            {
                case 0: w.WriteInteger(r.BitLength); break;
                case 1: w.WriteStringList(r.KeyIds, "keyids"); break;
                case 2: w.WriteString(r.NamePrefix, "name_prefix"); break;
                default: w.WriteInteger(r.Threshold); break;
            }
        });
    }

    private void WriteHashes(IDictionary<string, string> hashes)
    {
        if (hashes is SlabHashes slab && slab.TryGetRaw(out string name0, out var value0, out string? name1, out var value1)
            && (!_escape || (IsPrintableAscii(value0) && IsPrintableAscii(value1))))
        {
            // Parsed digests are written from their UTF-8 bytes (no escapes in them, so canonical as they are).
            if (name1 is not null && JsonText.CompareCodePoints(name0, name1) > 0)
            {
                (name0, name1) = (name1, name0);
                var swap = value0;
                value0 = value1;
                value1 = swap;
            }

            Open((byte)'{');
            Item(first: true);
            WriteName(name0);
            WriteRawString(value0);
            if (name1 is not null)
            {
                Item(first: false);
                WriteName(name1);
                WriteRawString(value1);
            }

            Close((byte)'}', empty: false);
            return;
        }

        WriteMap(hashes ?? throw new ArgumentException("Hashes are null."), static (w, h) => w.WriteString(h, "hash"));
    }

    private void WriteRawString(ReadOnlySpan<byte> utf8WithoutEscapes)
    {
        _output.Write((byte)'"');
        _output.Write(utf8WithoutEscapes);
        _output.Write((byte)'"');
    }

    private static bool IsPrintableAscii(ReadOnlySpan<byte> utf8) => !utf8.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E);

    private void WriteStringList(IList<string> list, string what)
    {
        if (list is null)
        {
            throw new ArgumentException(what + " is null.");
        }

        Open((byte)'[');
        for (int i = 0; i < list.Count; i++)
        {
            Item(i == 0);
            WriteString(list[i], what);
        }

        Close((byte)']', list.Count == 0);
    }

    private void WriteArray<T>(IReadOnlyList<T> list, Action<CanonicalModelWriter, T> writeItem)
    {
        Open((byte)'[');
        for (int i = 0; i < list.Count; i++)
        {
            Item(i == 0);
            writeItem(this, list[i]);
        }

        Close((byte)']', list.Count == 0);
    }

    private void WriteArray<T>(IList<T> list, Action<CanonicalModelWriter, T> writeItem)
    {
        Open((byte)'[');
        for (int i = 0; i < list.Count; i++)
        {
            Item(i == 0);
            writeItem(this, list[i]);
        }

        Close((byte)']', list.Count == 0);
    }

    private void WriteString(string value, string what)
    {
        if (value is null)
        {
            throw new ArgumentException(what + " is null.");
        }

        if (_escape)
        {
            PythonJsonWriter.WriteString(value, _output);
        }
        else
        {
            JsonText.WriteCanonicalString(value, _output);
        }
    }

    private void WriteName(string name)
    {
        WriteString(name, "name");
        _output.Write(_pretty ? ": "u8 : ":"u8);
    }

    private void WriteUnknown(JsonElement value, string name)
    {
        // Validated as canonical JSON either way (no floats, no lone surrogates), then laid out.
        if (!_escape)
        {
            CanonicalJson.WriteCore(value, _output, validateUtf8: true, "metadata writer", ErrorText.Untrusted(name));
            return;
        }

        using (var scratch = new PooledBufferWriter(256))
        {
            CanonicalJson.WriteCore(value, scratch, validateUtf8: true, "metadata writer", ErrorText.Untrusted(name));
        }

        PythonJsonWriter.WriteValue(value, _output, _level, indent: _pretty);
    }

    private void Open(byte bracket)
    {
        _output.Write(bracket);
        _level++;
    }

    /// <summary>Before a member or item: the separator and, when pretty, a new line and indentation.</summary>
    private void Item(bool first)
    {
        if (!first)
        {
            _output.Write((byte)',');
        }

        if (_pretty)
        {
            PythonJsonWriter.NewLine(_output, _level);
        }
    }

    private void Close(byte bracket, bool empty)
    {
        _level--;
        if (_pretty && !empty)
        {
            PythonJsonWriter.NewLine(_output, _level);
        }

        _output.Write(bracket);
    }

    private void WriteBool(bool value) => _output.Write(value ? "true"u8 : "false"u8);

    private void WriteInteger(long value)
    {
        var span = _output.GetSpan(20);
        value.TryFormat(span, out int written, default, System.Globalization.CultureInfo.InvariantCulture);
        _output.Advance(written);
    }

    /// <summary>Writes a JSON object from a map, keys in code-point order.</summary>
    private void WriteMap<TValue>(IDictionary<string, TValue> map, Action<CanonicalModelWriter, TValue> writeValue)
    {
        if (map is null)
        {
            throw new ArgumentException("A map is null.");
        }

        Open((byte)'{');
        bool sorted = true;
        string? previous = null;
        foreach (var key in map.Keys)
        {
            if (previous is not null && JsonText.CompareCodePoints(previous, key) >= 0)
            {
                sorted = false;
                break;
            }

            previous = key;
        }

        bool first = true;
        IEnumerable<KeyValuePair<string, TValue>> entries = map;
        if (!sorted)
        {
            var array = map.ToArray();
            Array.Sort(array, static (a, b) => JsonText.CompareCodePoints(a.Key, b.Key));
            entries = array;
        }

        foreach (var kv in entries)
        {
            Item(first);
            first = false;
            WriteName(kv.Key);
            writeValue(this, kv.Value);
        }

        Close((byte)'}', first);
    }

    /// <summary>
    /// Writes an object whose known fields (<paramref name="fields"/>, already in code-point order; those whose bit is
    /// set in <paramref name="present"/>) are merged with the unknown ones in code-point order.
    /// </summary>
    private void WriteObject<TState>(Fields fields, uint present, IDictionary<string, JsonElement>? unknown, TState state, MemberWriter<TState> writeKnown)
    {
        Open((byte)'{');
        bool first = true;
        string[] extra = unknown is null || unknown.Count == 0 ? [] : unknown.Keys.ToArray();
        if (extra.Length > 1)
        {
            Array.Sort(extra, JsonText.CodePointComparer);
        }

        int k = 0;
        int u = 0;
        while (true)
        {
            while (k < fields.Names.Length && (present & (1u << k)) == 0)
            {
                k++;
            }

            bool knownLeft = k < fields.Names.Length;
            bool unknownLeft = u < extra.Length;
            if (!knownLeft && !unknownLeft)
            {
                break;
            }

            int order = !knownLeft ? 1 : !unknownLeft ? -1 : JsonText.CompareCodePoints(fields.Names[k], extra[u]);
            if (order == 0)
            {
                throw new ArgumentException("UnrecognizedFields holds the known field \"" + ErrorText.Untrusted(extra[u]) + "\".");
            }

            Item(first);
            first = false;
            if (order < 0)
            {
                if (_pretty)
                {
                    WriteName(fields.Names[k]);
                }
                else
                {
                    _output.Write(fields.Prefixes[k]);
                }

                writeKnown(this, state, k);
                k++;
            }
            else
            {
                WriteName(extra[u]);
                WriteUnknown(unknown![extra[u]], extra[u]);
                u++;
            }
        }

        Close((byte)'}', first);
    }

    private static uint AllOf(Fields fields) => (1u << fields.Names.Length) - 1;

    /// <summary>Known field names in code-point order, with their encoded <c>"name":</c> prefixes.</summary>
    private sealed class Fields
    {
        public Fields(params string[] names)
        {
            for (int i = 1; i < names.Length; i++)
            {
                if (JsonText.CompareCodePoints(names[i - 1], names[i]) >= 0)
                {
                    throw new InvalidOperationException("Field names must be sorted: " + names[i]);
                }
            }

            Names = names;
            Prefixes = names.Select(n => Encoding.UTF8.GetBytes("\"" + n + "\":")).ToArray();
        }

        public string[] Names { get; }

        public byte[][] Prefixes { get; }
    }
}
