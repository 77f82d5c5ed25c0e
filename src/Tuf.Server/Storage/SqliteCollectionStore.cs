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
        [
            // 2: metadata.data becomes the last column. Only then does SQLite keep zeroblob(N) unexpanded while it
            // builds the row, so a large file can be written into the row in pieces (InsertMetadataAsync) instead
            // of SQLite holding whole copies of it.
            "CREATE TABLE metadata_v2 (gun TEXT NOT NULL, role TEXT NOT NULL, version INTEGER NOT NULL, sha256 TEXT NOT NULL, created INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (gun, role, version))",
            "INSERT INTO metadata_v2 (gun, role, version, sha256, created, data) SELECT gun, role, version, sha256, created, data FROM metadata",
            "DROP TABLE metadata",
            "ALTER TABLE metadata_v2 RENAME TO metadata",
            "CREATE INDEX metadata_sha256 ON metadata (gun, role, sha256)",
        ],
    ];

    /// <summary>Content larger than this is written through incremental blob I/O, this much at a time.</summary>
    private const int BlobChunkSize = 64 * 1024;

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

    /// <summary>The DDL of each schema version (tests build databases of older versions from it).</summary>
    internal static IReadOnlyList<string[]> SchemaMigrations => s_migrations;

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
        await source.CopyToAsync(blob, BlobChunkSize, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A large file goes in the same way as target content: binding it as a parameter makes SQLite hold two more
    /// copies of it while the row is built (the bound value and the record: +34 MiB of resident memory measured for a
    /// 15.7 MB targets.json), whereas a zero-filled last column written in 64 KiB pieces passes through SQLite's
    /// bounded page cache (+2 MiB).
    /// </remarks>
    protected override async Task InsertMetadataAsync(DbConnection connection, DbTransaction transaction, string gun, NewMetadata file, string sha256, long created, CancellationToken cancellationToken)
    {
        if (file.Data.Length <= BlobChunkSize)
        {
            await base.InsertMetadataAsync(connection, transaction, gun, file, sha256, created, cancellationToken).ConfigureAwait(false);
            return;
        }

        long rowId;
        await using (var insert = Command(connection, transaction,
            "INSERT INTO metadata (gun, role, version, sha256, data, created) VALUES (@g, @r, @v, @h, zeroblob(@n), @t) RETURNING rowid",
            ("g", gun), ("r", file.Role), ("v", file.Version), ("h", sha256), ("n", (long)file.Data.Length), ("t", created)))
        {
            rowId = (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        await using var blob = new SqliteBlob((SqliteConnection)connection, "metadata", "data", rowId);
        for (int offset = 0; offset < file.Data.Length; offset += BlobChunkSize)
        {
            blob.Write(file.Data.AsSpan(offset, Math.Min(BlobChunkSize, file.Data.Length - offset)));
        }
    }

    /// <inheritdoc/>
    protected override ResumableContentStream OpenContent(string sha256, long length) => new BlobContent(this, sha256, length);

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

    /// <summary>
    /// A blob read through incremental blob I/O (selecting the column would make SQLite load the whole value first).
    /// While reads keep coming one handle is kept: it remembers where it is in the blob's chain of overflow pages,
    /// whereas a new handle walks the chain from the start (reopening for every piece made a 40 MiB download take a
    /// second instead of 40-50 ms). Its read transaction is given up on a pause, so SQLite can reset its log.
    /// </summary>
    private sealed class BlobContent(SqliteCollectionStore store, string sha256, long length) : ResumableContentStream(length)
    {
        private SqliteConnection? _connection;
        private SqliteTransaction? _snapshot;
        private SqliteBlob? _blob;

        protected override async Task OpenAtAsync(long position, CancellationToken cancellationToken)
        {
            try
            {
                _connection = (SqliteConnection)await store.OpenAsync(cancellationToken).ConfigureAwait(false);
                _snapshot = _connection.BeginTransaction(deferred: true);
                await using var find = Command(_connection, _snapshot, "SELECT rowid FROM blobs WHERE sha256 = @h", ("h", sha256));
                if (await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not long rowId)
                {
                    throw new IOException("The target content was deleted while it was being sent.");
                }

                _blob = new SqliteBlob(_connection, "blobs", "data", rowId, readOnly: true) { Position = position };
            }
            catch
            {
                CloseResources();
                throw;
            }
        }

        protected override ValueTask<int> ReadOpenAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
            ValueTask.FromResult(_blob!.Read(buffer.Span));

        protected override void CloseResources()
        {
            _blob?.Dispose();
            _blob = null;
            _snapshot?.Dispose();
            _snapshot = null;
            _connection?.Dispose();
            _connection = null;
        }
    }

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
