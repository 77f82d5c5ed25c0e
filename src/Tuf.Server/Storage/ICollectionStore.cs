namespace Tuf.Server.Storage;

/// <summary>
/// Durable state of every trusted collection: metadata files as exact bytes by (GUN, role, version), the current
/// version of each role, hosted target blobs (content-addressed), server-held keys (encrypted), auth tokens (hashes)
/// and the change feed. One implementation per database; both pass the same tests.
/// </summary>
internal interface ICollectionStore
{
    /// <summary>Creates or migrates the schema.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Cheap round trip to the database (readiness).</summary>
    Task PingAsync(CancellationToken cancellationToken = default);

    /// <summary>The current state of a collection, or null when it has never been published (or was deleted).</summary>
    Task<CollectionState?> GetStateAsync(string gun, CancellationToken cancellationToken = default);

    /// <summary>A metadata file: the current one when <paramref name="version"/> is null.</summary>
    Task<StoredMetadata?> GetMetadataAsync(string gun, string role, long? version, CancellationToken cancellationToken = default);

    /// <summary>A metadata file by the SHA-256 (lowercase hex) of its bytes.</summary>
    Task<StoredMetadata?> GetMetadataByHashAsync(string gun, string role, string sha256, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a new collection state in one transaction when the collection is still at
    /// <see cref="PublishBatch.ExpectedGeneration"/>; otherwise nothing changes.
    /// </summary>
    /// <returns>The new generation.</returns>
    /// <exception cref="PublishConflictException">Someone else published first.</exception>
    Task<long> PublishAsync(PublishBatch batch, CancellationToken cancellationToken = default);

    /// <summary>Deletes every metadata file and target binding of a collection (keys are kept).</summary>
    /// <returns>Whether the collection existed.</returns>
    Task<bool> DeleteCollectionAsync(string gun, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a hosted target for streaming: by one of its hashes (lowercase hex), or the newest when
    /// <paramref name="hash"/> is null. The caller disposes the result (it holds a database read open).
    /// </summary>
    Task<StoredTarget?> OpenTargetAsync(string gun, string path, string? hash, CancellationToken cancellationToken = default);

    /// <summary>The server-held keys of a collection's role, newest first.</summary>
    Task<IReadOnlyList<ServerKeyRecord>> GetServerKeysAsync(string gun, string role, CancellationToken cancellationToken = default);

    /// <summary>Adds a server-held key.</summary>
    Task AddServerKeyAsync(ServerKeyRecord key, CancellationToken cancellationToken = default);

    /// <summary>A token by the SHA-256 of its secret.</summary>
    Task<TokenRecord?> FindTokenAsync(string hash, CancellationToken cancellationToken = default);

    /// <summary>Adds a token (by hash).</summary>
    Task AddTokenAsync(TokenRecord token, CancellationToken cancellationToken = default);

    /// <summary>How many tokens are stored.</summary>
    Task<long> CountTokensAsync(CancellationToken cancellationToken = default);

    /// <summary>Changes after <paramref name="afterId"/>, oldest first; all collections when <paramref name="gun"/> is null.</summary>
    Task<IReadOnlyList<ChangeRecord>> GetChangesAsync(string? gun, long afterId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Collections whose current timestamp (or server-managed snapshot) expires before <paramref name="before"/>.</summary>
    Task<IReadOnlyList<string>> GetCollectionsExpiringBeforeAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="work"/> only when no other replica holds the named lock; returns false when it is held.
    /// (PostgreSQL: a session advisory lock; SQLite: a process-local lock, SQLite has one writer machine anyway.)
    /// </summary>
    Task<bool> TryRunExclusiveAsync(string lockName, Func<CancellationToken, Task> work, CancellationToken cancellationToken = default);
}
