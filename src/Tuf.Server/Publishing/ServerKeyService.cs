using System.Collections.Concurrent;
using System.Text.Json;
using Tuf.Server.Storage;

namespace Tuf.Server.Publishing;

/// <summary>
/// The server-held online keys of each collection: created on first request (like Notary), rotated on request,
/// stored sealed under the key-encryption key. Decrypted keys are cached in memory; private material is never
/// logged or returned.
/// </summary>
internal sealed class ServerKeyService : IDisposable
{
    private readonly ICollectionStore _store;
    private readonly KeyEncryption _encryption;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(string Gun, string Role, string KeyId), OnlineKey> _cache = new();

    /// <summary>Creates the service.</summary>
    public ServerKeyService(ICollectionStore store, KeyEncryption encryption, TimeProvider time)
    {
        _store = store;
        _encryption = encryption;
        _time = time;
    }

    /// <summary>Whether a role may have a server-held key.</summary>
    public static bool IsOnlineRole(string role) => role is Timestamp.TypeName or Snapshot.TypeName;

    /// <summary>The newest public key of the role, creating one when there is none.</summary>
    public Task<Key> GetOrCreateAsync(string gun, string role, CancellationToken cancellationToken) =>
        GetOrCreateAsync(gun, role, ecdsa: false, cancellationToken);

    /// <summary>The newest public key of the role, creating one (ECDSA P-256 when <paramref name="ecdsa"/>, else Ed25519) when there is none.</summary>
    public async Task<Key> GetOrCreateAsync(string gun, string role, bool ecdsa, CancellationToken cancellationToken)
    {
        var keys = await _store.GetServerKeysAsync(gun, role, cancellationToken).ConfigureAwait(false);
        if (keys.Count > 0)
        {
            return ParsePublic(keys[0].PublicKeyJson);
        }

        return await RotateAsync(gun, role, ecdsa, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a new key that becomes the newest; older keys stay usable while a root still names them.</summary>
    public Task<Key> RotateAsync(string gun, string role, CancellationToken cancellationToken) =>
        RotateAsync(gun, role, ecdsa: false, cancellationToken);

    /// <summary>Creates a new key (ECDSA P-256 when <paramref name="ecdsa"/>, else Ed25519) that becomes the newest.</summary>
    public async Task<Key> RotateAsync(string gun, string role, bool ecdsa, CancellationToken cancellationToken)
    {
        using var key = OnlineKey.Generate(ecdsa);
        var pkcs8 = key.ExportPkcs8();
        try
        {
            var sealedKey = _encryption.Seal(pkcs8, gun, role, key.KeyId);
            await _store.AddServerKeyAsync(
                new ServerKeyRecord(gun, role, key.KeyId, ToJson(key.PublicKey), sealedKey, _time.GetUtcNow()),
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(pkcs8);
        }

        var keys = await _store.GetServerKeysAsync(gun, role, cancellationToken).ConfigureAwait(false);
        return ParsePublic(keys[0].PublicKeyJson);
    }

    /// <summary>The key IDs the server holds for a role.</summary>
    public async Task<IReadOnlySet<string>> GetKeyIdsAsync(string gun, string role, CancellationToken cancellationToken)
    {
        var keys = await _store.GetServerKeysAsync(gun, role, cancellationToken).ConfigureAwait(false);
        return keys.Select(k => k.KeyId).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The newest server key that <paramref name="rootRole"/> names, or null.</summary>
    public Task<OnlineKey?> GetSignerAsync(string gun, string role, Role rootRole, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rootRole);
        return GetSignerAsync(gun, role, record => rootRole.KeyIds.Contains(record.KeyId), cancellationToken);
    }

    /// <summary>The newest server key whose Notary key ID is one of <paramref name="notaryKeyIds"/>, or null.</summary>
    public Task<OnlineKey?> GetNotarySignerAsync(string gun, string role, IReadOnlyCollection<string> notaryKeyIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notaryKeyIds);
        return GetSignerAsync(gun, role, record => notaryKeyIds.Contains(Notary.NotaryDialect.ToNotaryKey(ParsePublic(record.PublicKeyJson)).Id), cancellationToken);
    }

    /// <summary>The Notary key IDs of the server's keys for a role.</summary>
    public async Task<IReadOnlySet<string>> GetNotaryKeyIdsAsync(string gun, string role, CancellationToken cancellationToken)
    {
        var keys = await _store.GetServerKeysAsync(gun, role, cancellationToken).ConfigureAwait(false);
        return keys.Select(k => Notary.NotaryDialect.ToNotaryKey(ParsePublic(k.PublicKeyJson)).Id).ToHashSet(StringComparer.Ordinal);
    }

    private async Task<OnlineKey?> GetSignerAsync(string gun, string role, Func<ServerKeyRecord, bool> named, CancellationToken cancellationToken)
    {
        var keys = await _store.GetServerKeysAsync(gun, role, cancellationToken).ConfigureAwait(false);
        foreach (var record in keys)
        {
            if (!named(record))
            {
                continue;
            }

            if (_cache.TryGetValue((gun, role, record.KeyId), out var cached))
            {
                return cached;
            }

            var pkcs8 = _encryption.Open(record.EncryptedPrivateKey, gun, role, record.KeyId);
            try
            {
                var key = OnlineKey.FromPkcs8(pkcs8);
                var kept = _cache.GetOrAdd((gun, role, record.KeyId), key);
                if (!ReferenceEquals(kept, key))
                {
                    key.Dispose();
                }

                return kept;
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(pkcs8);
            }
        }

        return null;
    }

    /// <summary>
    /// A public key as ordinary JSON (<c>{"keytype","scheme","keyval":{"public"}}</c>). Not canonical JSON: that
    /// leaves the PEM's newlines unescaped, which JSON parsers reject.
    /// </summary>
    public static byte[] ToJson(Key key)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("keytype", key.KeyType);
            writer.WriteString("scheme", key.Scheme);
            writer.WriteStartObject("keyval");
            writer.WriteString("public", key.Public);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a stored public key object.</summary>
    public static Key ParsePublic(byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        return new Key
        {
            KeyType = root.GetProperty("keytype").GetString()!,
            Scheme = root.GetProperty("scheme").GetString()!,
            Public = root.GetProperty("keyval").GetProperty("public").GetString()!,
        };
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var key in _cache.Values)
        {
            key.Dispose();
        }
    }
}
