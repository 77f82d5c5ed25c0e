using System.Buffers.Binary;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Tuf.Server.Storage;

/// <summary>
/// PostgreSQL, for several stateless replicas sharing one database. READ COMMITTED is enough: the publish's
/// conditional UPDATE of the collection row serializes concurrent writers of one collection (the second waits
/// for the row lock, re-reads the generation and matches nothing), and cross-replica jobs use advisory locks.
/// </summary>
internal sealed class PostgresCollectionStore : SqlCollectionStore, IDisposable
{
    private static readonly string[][] s_migrations =
    [
        [
            "CREATE TABLE collections (gun TEXT PRIMARY KEY, generation BIGINT NOT NULL, resign_due BIGINT NOT NULL)",
            "CREATE INDEX collections_resign_due ON collections (resign_due)",
            "CREATE TABLE metadata (gun TEXT NOT NULL, role TEXT NOT NULL, version BIGINT NOT NULL, sha256 TEXT NOT NULL, data BYTEA NOT NULL, created BIGINT NOT NULL, PRIMARY KEY (gun, role, version))",
            "CREATE INDEX metadata_sha256 ON metadata (gun, role, sha256)",
            "CREATE TABLE current_roles (gun TEXT NOT NULL, role TEXT NOT NULL, version BIGINT NOT NULL, sha256 TEXT NOT NULL, length BIGINT NOT NULL, PRIMARY KEY (gun, role))",
            "CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, data BYTEA NOT NULL)",
            "CREATE TABLE target_bindings (gun TEXT NOT NULL, path TEXT NOT NULL, hash TEXT NOT NULL, blob_sha256 TEXT NOT NULL, PRIMARY KEY (gun, path, hash))",
            "CREATE TABLE server_keys (gun TEXT NOT NULL, role TEXT NOT NULL, key_id TEXT NOT NULL, public_json BYTEA NOT NULL, encrypted_private BYTEA NOT NULL, created BIGINT NOT NULL, PRIMARY KEY (gun, role, key_id))",
            "CREATE TABLE tokens (hash TEXT PRIMARY KEY, name TEXT NOT NULL, scopes TEXT NOT NULL, created BIGINT NOT NULL)",
            "CREATE TABLE changes (id BIGSERIAL PRIMARY KEY, gun TEXT NOT NULL, version BIGINT NOT NULL, sha256 TEXT NOT NULL, category TEXT NOT NULL, created BIGINT NOT NULL)",
            "CREATE INDEX changes_gun ON changes (gun, id)",
        ],
        [
            // 2: hosted content is read in slices as it is sent (BlobSlices); uncompressed out-of-line storage lets
            // PostgreSQL fetch a slice without decompressing everything before it. Applies to content stored from now on.
            "ALTER TABLE blobs ALTER COLUMN data SET STORAGE EXTERNAL",
        ],
    ];

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Uses the database named by an Npgsql connection string.</summary>
    public PostgresCollectionStore(string connectionString)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<string[]> Migrations => s_migrations;

    /// <inheritdoc/>
    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
        => await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    protected override async ValueTask<WriteScope> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
        => new(await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false), null);

    /// <inheritdoc/>
    protected override async Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        // Replicas starting together must not race on CREATE TABLE.
        await using var cmd = Command(connection, transaction, "SELECT pg_advisory_xact_lock(@k)", ("k", LockKey("tuf-server:migrate")));
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override bool IsUniqueViolation(Exception exception)
        => exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <inheritdoc/>
    public override async Task<bool> TryRunExclusiveAsync(string lockName, Func<CancellationToken, Task> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var key = LockKey(lockName);
        await using (var take = Command(connection, null, "SELECT pg_try_advisory_lock(@k)", ("k", key)))
        {
            if (await take.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                return false;
            }
        }

        try
        {
            await work(cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            // Session locks die with the session if this fails; the connection is returned to the pool reset.
            await using var release = Command(connection, null, "SELECT pg_advisory_unlock(@k)", ("k", key));
            await release.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    protected override ResumableContentStream OpenContent(string sha256, long length) => new BlobSlices(_dataSource, sha256, length);

    /// <inheritdoc/>
    public void Dispose() => _dataSource.Dispose();

    private static long LockKey(string name)
        => BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    /// <summary>
    /// A blob read one slice per read, each in its own short query on a pooled connection: a download holds no
    /// connection and no snapshot between reads, however slowly its client takes the bytes.
    /// </summary>
    private sealed class BlobSlices(NpgsqlDataSource dataSource, string sha256, long length) : ResumableContentStream(length)
    {
        private long _position;

        protected override Task OpenAtAsync(long position, CancellationToken cancellationToken)
        {
            _position = position;
            return Task.CompletedTask;
        }

        protected override async ValueTask<int> ReadOpenAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var cmd = Command(connection, null, "SELECT substring(data from @o for @n) FROM blobs WHERE sha256 = @h",
                ("o", checked((int)_position + 1)), ("n", buffer.Length), ("h", sha256));
            await using var reader = await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new IOException("The target content was deleted while it was being sent.");
            }

            await using var slice = reader.GetStream(0);
            int total = 0;
            int read;
            while (total < buffer.Length && (read = await slice.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            _position += total;
            return total;
        }

        protected override void CloseResources()
        {
        }
    }
}
