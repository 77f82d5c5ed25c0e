using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Tuf.Server.Storage;

/// <summary>
/// The embedded default: one SQLite file in WAL mode. SQLite has a single writer, so writers in this process
/// queue on a semaphore (and other processes wait on SQLite's busy timeout) instead of failing with SQLITE_BUSY.
/// </summary>
internal sealed class SqliteCollectionStore : SqlCollectionStore, IDisposable
{
    private static readonly string[][] s_migrations =
    [
        [
            "CREATE TABLE collections (gun TEXT PRIMARY KEY, generation INTEGER NOT NULL, resign_due INTEGER NOT NULL)",
            "CREATE INDEX collections_resign_due ON collections (resign_due)",
            "CREATE TABLE metadata (gun TEXT NOT NULL, role TEXT NOT NULL, version INTEGER NOT NULL, sha256 TEXT NOT NULL, data BLOB NOT NULL, created INTEGER NOT NULL, PRIMARY KEY (gun, role, version))",
            "CREATE INDEX metadata_sha256 ON metadata (gun, role, sha256)",
            "CREATE TABLE current_roles (gun TEXT NOT NULL, role TEXT NOT NULL, version INTEGER NOT NULL, sha256 TEXT NOT NULL, length INTEGER NOT NULL, PRIMARY KEY (gun, role))",
            "CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, data BLOB NOT NULL)",
            "CREATE TABLE target_bindings (gun TEXT NOT NULL, path TEXT NOT NULL, hash TEXT NOT NULL, blob_sha256 TEXT NOT NULL, PRIMARY KEY (gun, path, hash))",
            "CREATE TABLE server_keys (gun TEXT NOT NULL, role TEXT NOT NULL, key_id TEXT NOT NULL, public_json BLOB NOT NULL, encrypted_private BLOB NOT NULL, created INTEGER NOT NULL, PRIMARY KEY (gun, role, key_id))",
            "CREATE TABLE tokens (hash TEXT PRIMARY KEY, name TEXT NOT NULL, scopes TEXT NOT NULL, created INTEGER NOT NULL)",
            "CREATE TABLE changes (id INTEGER PRIMARY KEY AUTOINCREMENT, gun TEXT NOT NULL, version INTEGER NOT NULL, sha256 TEXT NOT NULL, category TEXT NOT NULL, created INTEGER NOT NULL)",
            "CREATE INDEX changes_gun ON changes (gun, id)",
        ],
    ];

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private int _walSet;

    private readonly bool _synchronousFull;

    /// <summary>Uses the database file at <paramref name="path"/> (created when missing).</summary>
    /// <param name="path">Database file.</param>
    /// <param name="synchronousFull">
    /// <see langword="true"/> (default): every commit is fsynced before it is acknowledged, so it survives power
    /// loss. <see langword="false"/> (<c>synchronous=NORMAL</c>): commits survive a crashed or killed process but
    /// the last ones may be lost on power failure; faster on slow disks.
    /// </param>
    public SqliteCollectionStore(string path, bool synchronousFull = true)
    {
        _synchronousFull = synchronousFull;
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<string[]> Migrations => s_migrations;

    /// <inheritdoc/>
    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (Interlocked.Exchange(ref _walSet, 1) == 0)
        {
            // WAL: readers never block the writer and a killed process loses nothing it committed.
            await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL", cancellationToken).ConfigureAwait(false);
        }

        if (!_synchronousFull)
        {
            await ExecuteAsync(connection, null, "PRAGMA synchronous=NORMAL", cancellationToken).ConfigureAwait(false);
        }

        return connection;
    }

    /// <inheritdoc/>
    protected override async ValueTask<WriteScope> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // BEGIN IMMEDIATE: take the write lock now rather than fail on upgrade later.
            var tx = ((SqliteConnection)connection).BeginTransaction(deferred: false);
            return new WriteScope(tx, new Releaser(_writer));
        }
        catch
        {
            _writer.Release();
            throw;
        }
    }

    /// <inheritdoc/>
    /// <remarks>SQLite takes no stream parameters: the row gets a zero-filled blob of the right length, then the content
    /// is written into it through incremental blob I/O, 64 KiB at a time.</remarks>
    protected override async Task InsertBlobAsync(DbConnection connection, DbTransaction transaction, string sha256, Publishing.SpooledTarget content, CancellationToken cancellationToken)
    {
        long rowId;
        await using (var insert = Command(connection, transaction,
            "INSERT INTO blobs (sha256, data) VALUES (@h, zeroblob(@n)) ON CONFLICT (sha256) DO NOTHING RETURNING rowid",
            ("h", sha256), ("n", content.Length)))
        {
            if (await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not long id)
            {
                return; // already stored: content-addressed
            }

            rowId = id;
        }

        await using var source = content.OpenRead();
        await using var blob = new SqliteBlob((SqliteConnection)connection, "blobs", "data", rowId);
        await source.CopyToAsync(blob, 64 * 1024, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override bool IsUniqueViolation(Exception exception)
        => exception is SqliteException { SqliteErrorCode: 19 }; // SQLITE_CONSTRAINT

    /// <inheritdoc/>
    public override async Task<bool> TryRunExclusiveAsync(string lockName, Func<CancellationToken, Task> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        var gate = _locks.GetOrAdd(lockName, _ => new SemaphoreSlim(1, 1));
        if (!await gate.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        try
        {
            await work(cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _writer.Dispose();
        foreach (var gate in _locks.Values)
        {
            gate.Dispose();
        }
    }

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
