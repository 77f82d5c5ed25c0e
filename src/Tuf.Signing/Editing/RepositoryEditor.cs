using System.Text.Json;
using Tuf.Internal;

namespace Tuf.Signing;

/// <summary>
/// Edits a TUF repository folder offline: targets, delegations, hash bins, keys, expiry. Every edit is staged in
/// <c>.tuf-staging/</c> with the role's next version, so that several people can add signatures to exactly the same
/// bytes (<see cref="SignAsync"/>); <see cref="CommitAsync"/> then writes every staged role that meets its threshold,
/// plus a new snapshot and timestamp, to the publishable tree. A failed operation changes nothing on disk: edits
/// only reach the staging area through <see cref="Save"/>, and a commit writes new files before it swaps pointers.
/// </summary>
public sealed partial class RepositoryEditor
{
    /// <summary>The folder inside a repository folder where edits wait for a commit (never a target, never published).</summary>
    public const string StagingFolderName = RepositoryLayout.StagingFolderName;

    private readonly RepositoryLayout _layout;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, RoleState> _roles = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private SignedEnvelope<Root>? _publishedRoot;
    private SignedEnvelope<Timestamp>? _publishedTimestamp;
    private SignedEnvelope<Snapshot>? _publishedSnapshot;
    private StagedSources? _sources;
    private StagedRoles? _staged;
    private bool _settingsDirty;
    private bool _pendingDirty;

    private RepositoryEditor(string directory, TimeProvider time, RepositorySettings settings)
    {
        _layout = new RepositoryLayout(directory);
        _time = time;
        Settings = settings;
    }

    /// <summary>The repository folder.</summary>
    public string Directory => _layout.Root;

    internal RepositorySettings Settings { get; }

    internal RepositoryLayout Layout => _layout;

    /// <summary>The staged targets' source files, loaded on first use.</summary>
    private StagedSources Sources => _sources ??= StagedSources.Load(_layout.SourcesPath);

    /// <summary>The size of the staged roles and sources files, before they are read (0 when nothing is staged).</summary>
    public long StagingAreaBytes
    {
        get
        {
            long total = 0;
            foreach (var path in (string[])[_layout.StagedRolesPath, _layout.SourcesPath])
            {
                var info = new FileInfo(path);
                total += info.Exists ? info.Length : 0;
            }

            return total;
        }
    }

    /// <summary>The staged roles' files, read on first use.</summary>
    private StagedRoles Staged => _staged ??= StagedRoles.Load(_layout.StagedRolesPath, _layout.LegacyStagedRolesDir);

    /// <summary>Opens an existing repository folder (one made by <see cref="Init"/>).</summary>
    /// <param name="directory">The repository folder.</param>
    /// <param name="timeProvider">The clock for new expiry dates; the system clock when omitted.</param>
    /// <returns>The editor.</returns>
    /// <exception cref="SigningException">The folder is not a repository or its metadata cannot be read.</exception>
    public static RepositoryEditor Open(string directory, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var layout = new RepositoryLayout(directory);
        if (!File.Exists(layout.SettingsPath) && !File.Exists(Path.Combine(layout.MetadataDir, "root.json")))
        {
            throw new SigningException($"{layout.Root} is not a tuf repository (run 'tuf repo init' first)");
        }

        var settings = File.Exists(layout.SettingsPath)
            ? RepositorySettings.Parse(ReadFile(layout.SettingsPath), layout.SettingsPath)
            : new RepositorySettings();
        var editor = new RepositoryEditor(directory, timeProvider ?? TimeProvider.System, settings);
        editor.LoadPublished();
        return editor;
    }

    /// <summary>
    /// Creates a repository in <paramref name="directory"/> (which may exist but must not hold a repository) and
    /// stages root v1 and an empty targets v1. Nothing is written until <see cref="Save"/>.
    /// </summary>
    /// <param name="directory">The repository folder.</param>
    /// <param name="options">Keys, thresholds and settings.</param>
    /// <param name="timeProvider">The clock for expiry dates; the system clock when omitted.</param>
    /// <returns>The editor.</returns>
    /// <exception cref="SigningException">Invalid options, or a repository already exists there.</exception>
    public static RepositoryEditor Init(string directory, RepositoryInitOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(options);
        var layout = new RepositoryLayout(directory);
        if (System.IO.Directory.Exists(layout.StagingDir) || System.IO.Directory.Exists(layout.MetadataDir))
        {
            throw new SigningException($"{layout.Root} already holds a repository");
        }

        var settings = new RepositorySettings();
        foreach (var (role, days) in options.ExpiryDays ?? new Dictionary<string, int>())
        {
            if (!Names.IsTopLevel(role) && role != "delegated")
            {
                throw new SigningException($"--expires: unknown role '{ErrorText.Untrusted(role)}' (use root, targets, snapshot, timestamp or delegated)");
            }

            CheckDays(days);
            settings.ExpiryDays[role] = days;
        }

        foreach (var role in options.ServerSignedRoles ?? [])
        {
            if (role is not "snapshot" and not "timestamp")
            {
                throw new SigningException($"only snapshot and timestamp can be signed by a server, not '{ErrorText.Untrusted(role)}'");
            }

            settings.ServerSignedRoles.Add(role);
        }

        if (settings.ServerSignedRoles.Contains("snapshot") && !settings.ServerSignedRoles.Contains("timestamp"))
        {
            throw new SigningException("a server that signs snapshot must also sign timestamp");
        }

        var editor = new RepositoryEditor(directory, timeProvider ?? TimeProvider.System, settings) { _settingsDirty = true };
        var root = new Root { Version = 1, ConsistentSnapshot = options.ConsistentSnapshot, Expires = editor.ExpiryFor("root") };
        AddRoleKeys(root, "root", options.RootKeys, options.RootThreshold);
        AddRoleKeys(root, "targets", options.TargetsKeys, options.TargetsThreshold);
        AddRoleKeys(root, "snapshot", options.SnapshotKeys, options.SnapshotThreshold);
        AddRoleKeys(root, "timestamp", options.TimestampKeys, options.TimestampThreshold);
        editor._roles["root"] = new RoleState("root", root, [], 0, isStaged: true) { Dirty = true };
        editor._roles["targets"] = new RoleState("targets", new Targets { Version = 1, Expires = editor.ExpiryFor("targets") }, [], 0, isStaged: true) { Dirty = true };
        return editor;
    }

    /// <summary>Writes every staged change to the staging area (each file atomically).</summary>
    /// <exception cref="IOException">The staging area cannot be written.</exception>
    public void Save()
    {
        if (_settingsDirty)
        {
            DurableFile.Write(_layout.SettingsPath, Settings.ToBytes());
            _settingsDirty = false;
        }

        // Staged roles (a large add stages every hash bin) are serialized on every core into the one staged-roles
        // file while the sources list is written.
        var dirty = _roles.Values.Where(s => s.Dirty).ToList();
        ParallelWork.Invoke(
            () =>
            {
                var bytes = new byte[dirty.Count][];
                ParallelWork.ForEach(Enumerable.Range(0, dirty.Count), i => bytes[i] = MetadataWriter.ToFileBytes(dirty[i].Signed, dirty[i].Signatures, MetadataFileFormat.Compact));
                for (int i = 0; i < dirty.Count; i++)
                {
                    Staged.Set(dirty[i].Name, bytes[i]);
                }

                if (_staged is { Dirty: true })
                {
                    _staged.Save(_layout.StagedRolesPath);
                    DeleteLegacyStagedRoles();
                }
            },
            () =>
            {
                if (_sources is { Dirty: true })
                {
                    _sources.Save(_layout.SourcesPath);
                }
            });
        foreach (var state in dirty)
        {
            state.Dirty = false;
        }

        if (_pendingDirty)
        {
            DurableFile.Write(_layout.PendingPath, JsonSerializer.SerializeToUtf8Bytes(_pending.Order(StringComparer.Ordinal).ToArray(), PendingJsonContext.Default.StringArray));
            _pendingDirty = false;
        }
    }

    private DateTimeOffset Now
    {
        get
        {
            var now = _time.GetUtcNow();
            return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        }
    }

    /// <summary>New expiry for a role: now + its configured days, in whole seconds (the spec's date format has none finer).</summary>
    private DateTimeOffset ExpiryFor(string role) => Now.AddDays(Settings.DaysFor(role));

    private static void CheckDays(int days)
    {
        if (days < 1 || days > 36500)
        {
            throw new SigningException($"expiry must be between 1 and 36500 days, not {days}");
        }
    }

    private static void AddRoleKeys(Root root, string role, IReadOnlyList<Key> keys, int threshold)
    {
        var ids = new List<string>();
        foreach (var key in keys)
        {
            string id = key.ComputeKeyId();
            root.Keys[id] = key;
            if (!ids.Contains(id))
            {
                ids.Add(id);
            }
        }

        CheckThreshold(role, ids.Count, threshold);
        root.Roles[role] = new Role { KeyIds = ids, Threshold = threshold };
    }

    private static void CheckThreshold(string role, int keyCount, int threshold)
    {
        if (keyCount == 0)
        {
            throw new SigningException($"role '{role}' needs at least one key");
        }

        if (threshold < 1 || threshold > keyCount)
        {
            throw new SigningException($"threshold {threshold} for role '{role}' must be between 1 and its {keyCount} distinct key(s)");
        }
    }

    private void LoadPublished()
    {
        string rootPath = Path.Combine(_layout.MetadataDir, "root.json");
        if (File.Exists(rootPath))
        {
            _publishedRoot = Parse<Root>(rootPath);
        }

        string timestampPath = IsServerSigned("timestamp") ? _layout.ServerSignedRecordPath("timestamp") : Path.Combine(_layout.MetadataDir, "timestamp.json");
        if (File.Exists(timestampPath) && _publishedRoot is not null)
        {
            _publishedTimestamp = Parse<Timestamp>(timestampPath);
            long v = _publishedTimestamp.Signed.SnapshotMeta.Version;
            _publishedSnapshot = Parse<Snapshot>(IsServerSigned("snapshot")
                ? _layout.ServerSignedRecordPath("snapshot")
                : _layout.MetadataPath("snapshot", _publishedRoot.Signed.ConsistentSnapshot ? v : null));
        }

        if (File.Exists(_layout.PendingPath))
        {
            try
            {
                foreach (var p in JsonSerializer.Deserialize(ReadFile(_layout.PendingPath), PendingJsonContext.Default.StringArray) ?? [])
                {
                    _pending.Add(p);
                }
            }
            catch (JsonException ex)
            {
                throw new SigningException($"{_layout.PendingPath}: malformed", ex);
            }
        }
    }

    /// <summary>Roles a server signs when the repository is published (<c>timestamp</c>, maybe <c>snapshot</c>); empty for a fully offline repository.</summary>
    public IReadOnlyCollection<string> ServerSignedRoles => Settings.ServerSignedRoles;

    private bool IsServerSigned(string role) => Settings.ServerSignedRoles.Contains(role);

    private static SignedEnvelope<T> Parse<T>(string path)
        where T : Signed
    {
        byte[] data = ReadFile(path);
        try
        {
            return MetadataParser.ParseInPlace<T>(data, Path.GetFileName(path));
        }
        catch (DeserializationException ex)
        {
            throw new SigningException($"{path}: {ex.Message}", ex);
        }
    }

    private SignedEnvelope<Signed> ParseStaged(string name, ReadOnlyMemory<byte> fileBytes)
    {
        try
        {
            // The staged bytes are a slice of the staging file, read once and never changed: parsed where they are.
            return MetadataParser.ParseInPlace<Signed>(fileBytes, name);
        }
        catch (DeserializationException ex)
        {
            throw new SigningException($"{_layout.StagedRolesPath}: role '{ErrorText.Untrusted(name)}': {ex.Message}", ex);
        }
    }

    /// <summary>Removes the one-file-per-role staging of earlier versions once its roles are in the staged-roles file.</summary>
    private void DeleteLegacyStagedRoles()
    {
        if (System.IO.Directory.Exists(_layout.LegacyStagedRolesDir))
        {
            System.IO.Directory.Delete(_layout.LegacyStagedRolesDir, recursive: true);
        }
    }

    /// <summary>A repository or staging file's bytes; a read failure is a <see cref="SigningException"/> naming the file.</summary>
    internal static byte[] ReadFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SigningException($"cannot read {path}: {ex.Message}", ex);
        }
    }

    /// <summary>Whether a role exists (published or staged).</summary>
    internal bool RoleExists(string name) =>
        _roles.ContainsKey(name)
        || Staged.Contains(name)
        || (name == "root" && _publishedRoot is not null)
        || (_publishedSnapshot?.Signed.Meta.ContainsKey(name + ".json") ?? false);

    /// <summary>Loads a role: the staged version when there is one, else the published one.</summary>
    /// <exception cref="SigningException">No such role.</exception>
    internal RoleState GetRole(string name)
    {
        if (_roles.TryGetValue(name, out var state))
        {
            return state;
        }

        state = ReadRole(name);
        _roles[name] = state;
        return state;
    }

    /// <summary>
    /// Loads the roles not loaded yet, reading their files on every core (a large add or commit touches every hash
    /// bin). Unknown names are skipped here and reported by <see cref="GetRole"/> when used.
    /// </summary>
    private void LoadRoles(IEnumerable<string> names)
    {
        _ = Staged; // read before the parallel loop (its readers are thread-safe, its lazy load is not)
        var toLoad = names.Where(n => !_roles.ContainsKey(n) && n is not "snapshot" and not "timestamp").Distinct(StringComparer.Ordinal).ToArray();
        var loaded = new RoleState?[toLoad.Length];
        ParallelWork.ForEach(Enumerable.Range(0, toLoad.Length), i => loaded[i] = RoleExists(toLoad[i]) ? ReadRole(toLoad[i]) : null);
        foreach (var state in loaded)
        {
            if (state is not null)
            {
                _roles[state.Name] = state;
            }
        }
    }

    /// <summary>Reads a role: its staged file when there is one, else its published file. Only reads shared state (safe on several threads).</summary>
    private RoleState ReadRole(string name)
    {
        if (name is "snapshot" or "timestamp")
        {
            throw new SigningException($"role '{name}' is generated by 'tuf repo commit' and cannot be edited directly");
        }

        long published = PublishedVersionOf(name);
        RoleState state;
        if (Staged.TryGet(name, out var stagedBytes))
        {
            var env = ParseStaged(name, stagedBytes);
            state = new RoleState(name, env.Signed, [.. env.Signatures], published, isStaged: true) { LoadedSignedBytes = env.SignedBytes };
        }
        else if (name == "root" && _publishedRoot is not null)
        {
            state = new RoleState(name, _publishedRoot.Signed, [.. _publishedRoot.Signatures], published, isStaged: false);
        }
        else if (published > 0)
        {
            bool consistent = _publishedRoot?.Signed.ConsistentSnapshot ?? true;
            var env = Parse<Targets>(_layout.MetadataPath(name, consistent ? published : null));
            state = new RoleState(name, env.Signed, [.. env.Signatures], published, isStaged: false);
        }
        else
        {
            throw new SigningException($"unknown role '{ErrorText.Untrusted(name)}'");
        }

        CheckRoleType(state);
        return state;
    }

    private static void CheckRoleType(RoleState state)
    {
        if ((state.Name == "root") != state.Signed is Root)
        {
            throw new SigningException($"role '{ErrorText.Untrusted(state.Name)}' holds metadata of type '{state.Signed.Type}'");
        }
    }

    private long PublishedVersionOf(string name)
    {
        if (name == "root")
        {
            return _publishedRoot?.Signed.Version ?? 0;
        }

        return _publishedSnapshot?.Signed.Meta.TryGetValue(name + ".json", out var meta) == true ? meta.Version : 0;
    }

    /// <summary>Marks a role as changed: the first change gives it the next version and a fresh expiry; any change drops its signatures.</summary>
    private RoleState Stage(string name)
    {
        var state = GetRole(name);
        if (!state.IsStaged)
        {
            state.IsStaged = true;
            state.Signed.Version = state.PublishedVersion + 1;
            state.Signed.Expires = ExpiryFor(name);
        }

        state.Signatures.Clear();
        state.LoadedSignedBytes = null;
        state.Dirty = true;
        return state;
    }

    private RoleState CreateStagedTargetsRole(string name)
    {
        var state = new RoleState(name, new Targets { Version = 1, Expires = ExpiryFor(name) }, [], 0, isStaged: true) { Dirty = true };
        _roles[name] = state;
        return state;
    }

    private Root EffectiveRoot => GetRole("root").Root;

    private void MarkPending(string role)
    {
        if (_pending.Add(role))
        {
            _pendingDirty = true;
        }
    }

    /// <summary>Names of every staged role (loaded or only on disk).</summary>
    private IEnumerable<string> StagedRoleNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var state in _roles.Values)
        {
            if (state.IsStaged)
            {
                names.Add(state.Name);
            }
        }

        names.UnionWith(Staged.Names);

        return names.Order(StringComparer.Ordinal);
    }
}
