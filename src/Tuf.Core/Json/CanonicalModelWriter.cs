using System.Text;
using System.Text.Json;

namespace Tuf;

/// <summary>
/// Writes the metadata model as canonical JSON directly (no intermediate tree): known fields and
/// <c>UnrecognizedFields</c> are merged in code-point order, maps are written in key order.
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

    public CanonicalModelWriter(PooledBufferWriter output)
    {
        _output = output;
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
                w._output.Write((byte)'[');
                for (int i = 0; i < s.list.Count; i++)
                {
                    if (i > 0)
                    {
                        w._output.Write((byte)',');
                    }

                    var sig = s.list[i] ?? throw new ArgumentException("A signature is null.");
                    w.WriteObject(SignatureFields, AllOf(SignatureFields), null, sig, static (w2, g, f2) =>
                        w2.WriteString(f2 == 0 ? g.KeyId : g.Sig, "keyid/sig"));
                }

                w._output.Write((byte)']');
            }
            else
            {
                w.WriteSigned(s.signed);
            }
        });
    }

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
        WriteObject(TargetFileFields, AllOf(TargetFileFields), file.UnrecognizedFields, file, static (w, t, f) =>
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
                case 1:
                    w._output.Write((byte)'[');
                    for (int i = 0; i < d.Roles!.Count; i++)
                    {
                        if (i > 0)
                        {
                            w._output.Write((byte)',');
                        }

                        w.WriteDelegatedRole(d.Roles[i]);
                    }

                    w._output.Write((byte)']');
                    break;
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

    private void WriteHashes(IDictionary<string, string> hashes) =>
        WriteMap(hashes ?? throw new ArgumentException("Hashes are null."), static (w, h) => w.WriteString(h, "hash"));

    private void WriteStringList(IList<string> list, string what)
    {
        if (list is null)
        {
            throw new ArgumentException(what + " is null.");
        }

        _output.Write((byte)'[');
        for (int i = 0; i < list.Count; i++)
        {
            if (i > 0)
            {
                _output.Write((byte)',');
            }

            WriteString(list[i], what);
        }

        _output.Write((byte)']');
    }

    private void WriteString(string value, string what)
    {
        if (value is null)
        {
            throw new ArgumentException(what + " is null.");
        }

        JsonText.WriteCanonicalString(value, _output);
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

        _output.Write((byte)'{');
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

        if (sorted)
        {
            bool first = true;
            foreach (var kv in map)
            {
                if (!first)
                {
                    _output.Write((byte)',');
                }

                first = false;
                WriteString(kv.Key, "key");
                _output.Write((byte)':');
                writeValue(this, kv.Value);
            }
        }
        else
        {
            var entries = map.ToArray();
            Array.Sort(entries, static (a, b) => JsonText.CompareCodePoints(a.Key, b.Key));
            for (int i = 0; i < entries.Length; i++)
            {
                if (i > 0)
                {
                    _output.Write((byte)',');
                }

                WriteString(entries[i].Key, "key");
                _output.Write((byte)':');
                writeValue(this, entries[i].Value);
            }
        }

        _output.Write((byte)'}');
    }

    /// <summary>
    /// Writes an object whose known fields (<paramref name="fields"/>, already in code-point order; those whose bit is
    /// set in <paramref name="present"/>) are merged with the unknown ones in code-point order.
    /// </summary>
    private void WriteObject<TState>(Fields fields, uint present, IDictionary<string, JsonElement>? unknown, TState state, MemberWriter<TState> writeKnown)
    {
        _output.Write((byte)'{');
        bool first = true;
        if (unknown is null || unknown.Count == 0)
        {
            for (int i = 0; i < fields.Names.Length; i++)
            {
                if ((present & (1u << i)) != 0)
                {
                    WriteSeparator(ref first);
                    _output.Write(fields.Prefixes[i]);
                    writeKnown(this, state, i);
                }
            }

            _output.Write((byte)'}');
            return;
        }

        var extra = unknown.Keys.ToArray();
        Array.Sort(extra, JsonText.CodePointComparer);
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

            WriteSeparator(ref first);
            if (order < 0)
            {
                _output.Write(fields.Prefixes[k]);
                writeKnown(this, state, k);
                k++;
            }
            else
            {
                WriteString(extra[u], "field name");
                _output.Write((byte)':');
                CanonicalJson.WriteCore(unknown[extra[u]], _output, validateUtf8: true, "metadata writer", ErrorText.Untrusted(extra[u]));
                u++;
            }
        }

        _output.Write((byte)'}');
    }

    private void WriteSeparator(ref bool first)
    {
        if (!first)
        {
            _output.Write((byte)',');
        }

        first = false;
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
