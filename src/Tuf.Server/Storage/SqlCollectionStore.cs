using System.Data;
using System.Data.Common;
using System.Security.Cryptography;

namespace Tuf.Server.Storage;

/// <summary>
/// The ADO.NET implementation shared by SQLite and PostgreSQL: the SQL is plain enough for both, and the
/// dialects differ only in schema types, how a writer transaction starts, and how "unique violation" looks.
/// Times are stored as Unix milliseconds.
/// </summary>
internal abstract class SqlCollectionStore : ICollectionStore
{
    /// <summary>Stores hosted content under its SHA-256 unless already there, streamed from its temporary file (never whole in memory).</summary>
    protected virtual async Task InsertBlobAsync(DbConnection connection, DbTransaction transaction, string sha256, Publishing.SpooledTarget content, CancellationToken cancellationToken)
    {
        await using var data = content.OpenRead();
        await using var blob = Command(connection, transaction,
            "INSERT INTO blobs (sha256, data) VALUES (@h, @b) ON CONFLICT (sha256) DO NOTHING",
            ("h", sha256), ("b", data));
        await blob.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores one version of a role's metadata.</summary>
    protected virtual async Task InsertMetadataAsync(DbConnection connection, DbTransaction transaction, string gun, NewMetadata file, string sha256, long created, CancellationToken cancellationToken)
    {
        await using var insert = Command(connection, transaction,
            "INSERT INTO metadata (gun, role, version, sha256, data, created) VALUES (@g, @r, @v, @h, @b, @t)",
            ("g", gun), ("r", file.Role), ("v", file.Version), ("h", sha256), ("b", file.Data), ("t", created));
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens a connection.</summary>
    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>The DDL of each schema version, in order (index 0 migrates to version 1).</summary>
    protected abstract IReadOnlyList<string[]> Migrations { get; }

    /// <summary>Whether an exception is a primary-key/unique violation.</summary>
    protected abstract bool IsUniqueViolation(Exception exception);

    /// <summary>Begins a write transaction (and serializes writers where the database needs it).</summary>
    protected abstract ValueTask<WriteScope> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Takes a database-wide lock for the migration, released with the transaction.</summary>
    protected virtual Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
        => Task.CompletedTask;

    /// <inheritdoc/>
    public abstract Task<bool> TryRunExclusiveAsync(string lockName, Func<CancellationToken, Task> work, CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var scope = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await LockForMigrationAsync(connection, scope.Transaction, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, scope.Transaction, "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)", cancellationToken).ConfigureAwait(false);
        long current;
        await using (var cmd = Command(connection, scope.Transaction, "SELECT MAX(version) FROM schema_version"))
        {
            var value = await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            current = value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (current > Migrations.Count)
        {
            throw new InvalidOperationException($"The database schema is version {current}, newer than this server ({Migrations.Count}); upgrade the server.");
        }

        for (long v = current; v < Migrations.Count; v++)
        {
            foreach (var ddl in Migrations[(int)v])
            {
                await ExecuteAsync(connection, scope.Transaction, ddl, cancellationToken).ConfigureAwait(false);
            }

            await using var insert = Command(connection, scope.Transaction, "INSERT INTO schema_version (version) VALUES (@v)", ("v", v + 1));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await scope.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task PingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(connection, null, "SELECT COUNT(*) FROM schema_version");
        await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<CollectionState?> GetStateAsync(string gun, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // One statement so the generation and the role pointers come from the same snapshot of the database.
        await using var cmd = Command(connection, null,
            "SELECT c.generation, r.role, r.version, r.sha256, r.length FROM collections c LEFT JOIN current_roles r ON r.gun = c.gun WHERE c.gun = @g",
            ("g", gun));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        long? generation = null;
        var roles = new Dictionary<string, RoleVersion>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            generation = reader.GetInt64(0);
            if (!reader.IsDBNull(1))
            {
                roles[reader.GetString(1)] = new RoleVersion(reader.GetInt64(2), reader.GetString(3), reader.GetInt64(4));
            }
        }

        return generation is null ? null : new CollectionState(gun, generation.Value, roles);
    }

    /// <inheritdoc/>
    public async Task<StoredMetadata?> GetMetadataAsync(string gun, string role, long? version, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = version is null
            ? Command(connection, null,
                "SELECT m.version, m.sha256, m.data FROM current_roles r JOIN metadata m ON m.gun = r.gun AND m.role = r.role AND m.version = r.version WHERE r.gun = @g AND r.role = @r",
                ("g", gun), ("r", role))
            : Command(connection, null,
                "SELECT version, sha256, data FROM metadata WHERE gun = @g AND role = @r AND version = @v",
                ("g", gun), ("r", role), ("v", version.Value));
        return await ReadMetadataAsync(cmd, role, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<StoredMetadata?> GetMetadataByHashAsync(string gun, string role, string sha256, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(connection, null,
            "SELECT version, sha256, data FROM metadata WHERE gun = @g AND role = @r AND sha256 = @h ORDER BY version DESC LIMIT 1",
            ("g", gun), ("r", role), ("h", sha256));
        return await ReadMetadataAsync(cmd, role, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<StoredMetadata?> ReadMetadataAsync(DbCommand cmd, string role, CancellationToken cancellationToken)
    {
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new StoredMetadata(role, reader.GetInt64(0), reader.GetString(1), (byte[])reader.GetValue(2));
    }

    /// <inheritdoc/>
    public async Task<long> PublishAsync(PublishBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var scope = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var tx = scope.Transaction;
        var due = batch.ResignDue.ToUnixTimeMilliseconds();
        var now = batch.CreatedAt.ToUnixTimeMilliseconds();
        try
        {
            // Optimistic concurrency: the generation moves only from the value this publish was validated against.
            int changed;
            if (batch.ExpectedGeneration == 0)
            {
                await using var cmd = Command(connection, tx,
                    "INSERT INTO collections (gun, generation, resign_due) VALUES (@g, 1, @d) ON CONFLICT (gun) DO NOTHING",
                    ("g", batch.Gun), ("d", due));
                changed = await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await using var cmd = Command(connection, tx,
                    "UPDATE collections SET generation = generation + 1, resign_due = @d WHERE gun = @g AND generation = @e",
                    ("g", batch.Gun), ("d", due), ("e", batch.ExpectedGeneration));
                changed = await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (changed != 1)
            {
                throw new PublishConflictException();
            }

            long timestampVersion = 0;
            string timestampHash = string.Empty;
            foreach (var file in batch.Files)
            {
                var sha = Convert.ToHexStringLower(SHA256.HashData(file.Data));
                await InsertMetadataAsync(connection, tx, batch.Gun, file, sha, now, cancellationToken).ConfigureAwait(false);

                await using (var pointer = Command(connection, tx,
                    "INSERT INTO current_roles (gun, role, version, sha256, length) VALUES (@g, @r, @v, @h, @l) " +
                    "ON CONFLICT (gun, role) DO UPDATE SET version = excluded.version, sha256 = excluded.sha256, length = excluded.length",
                    ("g", batch.Gun), ("r", file.Role), ("v", file.Version), ("h", sha), ("l", (long)file.Data.Length)))
                {
                    await pointer.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                if (file.Role == Timestamp.TypeName)
                {
                    timestampVersion = file.Version;
                    timestampHash = sha;
                }
            }

            foreach (var target in batch.Targets)
            {
                var blobSha = target.Content.Sha256;
                await InsertBlobAsync(connection, tx, blobSha, target.Content, cancellationToken).ConfigureAwait(false);

                // The empty hash is the unversioned name (newest content for the path).
                foreach (var hash in target.Hashes.Values.Append(string.Empty).Distinct(StringComparer.Ordinal))
                {
                    await using var bind = Command(connection, tx,
                        "INSERT INTO target_bindings (gun, path, hash, blob_sha256) VALUES (@g, @p, @h, @s) " +
                        "ON CONFLICT (gun, path, hash) DO UPDATE SET blob_sha256 = excluded.blob_sha256",
                        ("g", batch.Gun), ("p", target.Path), ("h", hash.ToLowerInvariant()), ("s", blobSha));
                    await bind.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await using (var change = Command(connection, tx,
                "INSERT INTO changes (gun, version, sha256, category, created) VALUES (@g, @v, @h, @c, @t)",
                ("g", batch.Gun), ("v", timestampVersion), ("h", timestampHash), ("c", batch.Category), ("t", now)))
            {
                await change.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await scope.CommitAsync(cancellationToken).ConfigureAwait(false);
            return batch.ExpectedGeneration + 1;
        }
        catch (Exception e) when (IsUniqueViolation(e))
        {
            throw new PublishConflictException("A file with the same role and version was published concurrently; fetch the new state and retry.", e);
        }
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteCollectionAsync(string gun, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var scope = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        int existed;
        await using (var cmd = Command(connection, scope.Transaction, "DELETE FROM collections WHERE gun = @g", ("g", gun)))
        {
            existed = await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var table in new[] { "current_roles", "metadata", "target_bindings" })
        {
            await using var cmd = Command(connection, scope.Transaction, $"DELETE FROM {table} WHERE gun = @g", ("g", gun));
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (existed > 0)
        {
            await using var change = Command(connection, scope.Transaction,
                "INSERT INTO changes (gun, version, sha256, category, created) VALUES (@g, 0, '', 'deletion', @t)",
                ("g", gun), ("t", 0L));
            await change.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await scope.CommitAsync(cancellationToken).ConfigureAwait(false);
        return existed > 0;
    }

    /// <inheritdoc/>
    /// <remarks>Nothing holds the whole content: it is read from the database as it is sent (<see cref="OpenContent"/>).</remarks>
    public async Task<StoredTarget?> OpenTargetAsync(string gun, string path, string? hash, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(connection, null,
            "SELECT b.sha256, length(b.data) FROM target_bindings t JOIN blobs b ON b.sha256 = t.blob_sha256 WHERE t.gun = @g AND t.path = @p AND t.hash = @h",
            ("g", gun), ("p", path), ("h", (hash ?? string.Empty).ToLowerInvariant()));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        string sha256 = reader.GetString(0);
        long length = reader.GetInt64(1);
        return new StoredTarget(OpenContent(sha256, length), length, sha256);
    }

    /// <summary>A stream over the blob stored under <paramref name="sha256"/>, reading it from the database as it is read.</summary>
    protected abstract ResumableContentStream OpenContent(string sha256, long length);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ServerKeyRecord>> GetServerKeysAsync(string gun, string role, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(connection, null,
            "SELECT key_id, public_json, encrypted_private, created FROM server_keys WHERE gun = @g AND role = @r ORDER BY created DESC, key_id",
            ("g", gun), ("r", role));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<ServerKeyRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new ServerKeyRecord(gun, role, reader.GetString(0), (byte[])reader.GetValue(1), (byte[])reader.GetValue(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
        }

        return result;
    }

    /// <inheritdoc/>
    public async Task AddServerKeyAsync(ServerKeyRecord key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var scope = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await using (var cmd = Command(connection, scope.Transaction,
            "INSERT INTO server_keys (gun, role, key_id, public_json, encrypted_private, created) VALUES (@g, @r, @k, @p, @e, @t) ON CONFLICT DO NOTHING",
            ("g", key.Gun), ("r", key.Role), ("k", key.KeyId), ("p", key.PublicKeyJson), ("e", key.EncryptedPrivateKey), ("t", key.CreatedAt.ToUnixTimeMilliseconds())))
        {
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await scope.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<TokenRecord?> FindTokenAsync(string hash, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(connection, null, "SELECT name, scopes, created FROM tokens WHERE hash = @h", ("h", hash));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new TokenRecord(hash, reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)));
    }

    /// <inheritdoc/>
    public async Task AddTokenAsync(TokenRecord token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var scope = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await using (var cmd = Command(connection, scope.Transaction,
            "INSERT INTO tokens (hash, name, scopes, created) VALUES (@h, @n, @s, @t) ON CONFLICT (hash) DO UPDATE SET name = excluded.name, scopes = excluded.scopes",
            ("h", token.Hash), ("n", token.Name), ("s", token.Scopes), ("t", token.CreatedAt.ToUnixTimeMilliseconds())))
        {
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await scope.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<long> CountTokensAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(connection, null, "SELECT COUNT(*) FROM tokens");
        var value = await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ChangeRecord>> GetChangesAsync(string? gun, long afterId, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = gun is null
            ? Command(connection, null, "SELECT id, gun, version, sha256, category, created FROM changes WHERE id > @a ORDER BY id LIMIT @n", ("a", afterId), ("n", (long)limit))
            : Command(connection, null, "SELECT id, gun, version, sha256, category, created FROM changes WHERE gun = @g AND id > @a ORDER BY id LIMIT @n", ("g", gun), ("a", afterId), ("n", (long)limit));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<ChangeRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new ChangeRecord(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5))));
        }

        return result;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> GetCollectionsExpiringBeforeAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(connection, null,
            "SELECT gun FROM collections WHERE resign_due < @b ORDER BY resign_due LIMIT @n",
            ("b", before.ToUnixTimeMilliseconds()), ("n", (long)limit));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }

    /// <summary>Builds a command with named parameters.</summary>
    protected static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var cmd = connection.CreateCommand();
#pragma warning disable CA2100 // SQL text is constant; values are parameters.
        cmd.CommandText = sql;
#pragma warning restore CA2100
        cmd.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }

        return cmd;
    }

    /// <summary>Runs one statement.</summary>
    protected static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = Command(connection, transaction, sql);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A write transaction plus whatever the dialect holds while it is open.</summary>
    protected sealed class WriteScope : IAsyncDisposable
    {
        private readonly IDisposable? _release;
        private bool _committed;

        /// <summary>Wraps a transaction.</summary>
        public WriteScope(DbTransaction transaction, IDisposable? release)
        {
            Transaction = transaction;
            _release = release;
        }

        /// <summary>The transaction.</summary>
        public DbTransaction Transaction { get; }

        /// <summary>Commits.</summary>
        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            await Transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _committed = true;
        }

        /// <inheritdoc/>
        public async ValueTask DisposeAsync()
        {
            try
            {
                if (!_committed && Transaction.Connection is not null)
                {
                    await Transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (DbException)
            {
                // The connection is going away anyway; the transaction dies with it.
            }
            catch (InvalidOperationException)
            {
            }
            finally
            {
                await Transaction.DisposeAsync().ConfigureAwait(false);
                _release?.Dispose();
            }
        }
    }
}
