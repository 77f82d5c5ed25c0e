using System.ComponentModel.DataAnnotations;

namespace Tuf.Server;

/// <summary>Server settings (configuration section <c>Server</c>).</summary>
internal sealed class ServerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Server";

    /// <summary>Folder for the SQLite database and the generated key-encryption key.</summary>
    /// <value>Default <c>data</c> (relative to the working directory).</value>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = "data";

    /// <summary>The key-encryption key that seals server-held private keys: base64 of 32 bytes. Prefer <see cref="KeyEncryptionKeyFile"/>.</summary>
    public string? KeyEncryptionKey { get; set; }

    /// <summary>A file holding the key-encryption key (base64 of 32 bytes). With neither set, SQLite setups create one under <see cref="DataDirectory"/>.</summary>
    public string? KeyEncryptionKeyFile { get; set; }

    /// <summary>Largest request body accepted (413 beyond).</summary>
    /// <value>Default 64 MiB.</value>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBodyBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Largest single metadata file accepted in a publish.</summary>
    /// <value>Default 16 MiB.</value>
    [Range(1024, 1L << 30)]
    public long MaxMetadataBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// Most publishes this replica reads and validates at once; more get 503 <c>busy</c> with <c>Retry-After</c>.
    /// Bounds memory (each holds its metadata in memory) and temporary disk (each spools its target content, at most
    /// <see cref="MaxRequestBodyBytes"/>).
    /// </summary>
    /// <value>Default 4.</value>
    [Range(1, 1000)]
    public int MaxConcurrentPublishes { get; set; } = 4;

    /// <summary>Most parts (files) in one publish.</summary>
    /// <value>Default 1000.</value>
    [Range(1, 100_000)]
    public int MaxParts { get; set; } = 1000;

    /// <summary>Lifetime of a server-signed timestamp.</summary>
    /// <value>Default 1 day.</value>
    [Range(typeof(TimeSpan), "00:00:10", "3650.00:00:00")]
    public TimeSpan TimestampExpiry { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Lifetime of a server-signed snapshot.</summary>
    /// <value>Default 7 days.</value>
    [Range(typeof(TimeSpan), "00:00:10", "3650.00:00:00")]
    public TimeSpan SnapshotExpiry { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Re-sign server-signed metadata this long before it expires.</summary>
    /// <value>Default 6 hours.</value>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan ResignWindow { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How long a replica may serve a cached current file (<c>timestamp.json</c> etc.) without asking the database; 0 disables.</summary>
    /// <value>Default 1 second. Its own publishes are visible at once; other replicas' within this time.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan CurrentCacheTtl { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Memory for cached versioned (immutable) metadata files; 0 disables.</summary>
    /// <value>Default 64 MiB.</value>
    [Range(0, long.MaxValue)]
    public long MetadataCacheBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Whether this replica runs the background re-sign service (every replica may; the work is done once).</summary>
    /// <value>Default true.</value>
    public bool ResignEnabled { get; set; } = true;

    /// <summary>
    /// Whether <c>/metrics</c> includes prometheus-net's per-request HTTP metrics (counts and duration histograms by
    /// method, status and endpoint). Default false: they cost the read path about 7% of its throughput (measured with
    /// wrk, bench/README.md); the server's own counters (requests by status among them) and the process and runtime
    /// metrics are always there.
    /// </summary>
    public bool HttpMetrics { get; set; }

    /// <summary>How often the background service looks for metadata to re-sign.</summary>
    /// <value>Default 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "1.00:00:00")]
    public TimeSpan ResignInterval { get; set; } = TimeSpan.FromMinutes(1);
}
