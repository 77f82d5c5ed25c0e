namespace Tuf.Signing;

/// <summary>
/// The folders of a repository: the publishable tree (<c>metadata/</c>, <c>targets/</c>) that any static HTTP
/// server can serve, and the staging area <c>.tuf-staging/</c> (settings, staged roles with partial signatures,
/// staged target contents) that is never published.
/// </summary>
internal sealed class RepositoryLayout
{
    public const string StagingFolderName = ".tuf-staging";

    public RepositoryLayout(string directory)
    {
        Root = Path.GetFullPath(directory);
        MetadataDir = Path.Combine(Root, "metadata");
        TargetsDir = Path.Combine(Root, "targets");
        StagingDir = Path.Combine(Root, StagingFolderName);
        StagedRolesPath = Path.Combine(StagingDir, "roles.json");
        LegacyStagedRolesDir = Path.Combine(StagingDir, "roles");
        BlobsDir = Path.Combine(StagingDir, "blobs");
        SourcesPath = Path.Combine(StagingDir, "sources.json");
        SettingsPath = Path.Combine(StagingDir, "settings.json");
        PendingPath = Path.Combine(StagingDir, "pending.json");
        ServerSignedRecordsDir = Path.Combine(StagingDir, "server-signed");
    }

    public string Root { get; }

    public string MetadataDir { get; }

    public string TargetsDir { get; }

    public string StagingDir { get; }

    /// <summary>Every staged role, in one file (<see cref="StagedRoles"/>).</summary>
    public string StagedRolesPath { get; }

    /// <summary>Where earlier versions staged one file per role; read, and removed by the next save.</summary>
    public string LegacyStagedRolesDir { get; }

    /// <summary>Staged target contents of older versions (copies); new adds record their sources in <see cref="SourcesPath"/>.</summary>
    public string BlobsDir { get; }

    /// <summary>Where each staged target's content is (<see cref="StagedSources"/>).</summary>
    public string SourcesPath { get; }

    public string SettingsPath { get; }

    public string PendingPath { get; }

    /// <summary>Unsigned local records of the roles a server signs (what the last commit would have published).</summary>
    public string ServerSignedRecordsDir { get; }

    public string ServerSignedRecordPath(string role) => Path.Combine(ServerSignedRecordsDir, role + ".json");

    /// <summary>Role names are percent-encoded with no safe characters, as clients do when building URLs.</summary>
    public static string EncodeRoleName(string role) => Uri.EscapeDataString(role);

    /// <summary>The published file name of a role's metadata (<c>N.role.json</c> when versioned).</summary>
    public static string MetadataFileName(string role, long? version) =>
        version is { } v ? $"{v}.{EncodeRoleName(role)}.json" : $"{EncodeRoleName(role)}.json";

    public string MetadataPath(string role, long? version) => Path.Combine(MetadataDir, MetadataFileName(role, version));

    /// <summary>The path of a target under <c>targets/</c>: <c>dir/HASH.name</c> for consistent snapshots, else the target path.</summary>
    public string TargetPath(string targetPath, string? hashPrefix)
    {
        string relative = targetPath;
        if (hashPrefix is not null)
        {
            int slash = targetPath.LastIndexOf('/');
            relative = slash < 0 ? $"{hashPrefix}.{targetPath}" : $"{targetPath[..slash]}/{hashPrefix}.{targetPath[(slash + 1)..]}";
        }

        return Path.Combine(TargetsDir, relative.Replace('/', Path.DirectorySeparatorChar));
    }
}
