using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Tuf.Server.Tests.TestKit;

/// <summary>
/// A developer's side of one collection: offline root/targets (and, when the collection manages its own,
/// snapshot) keys, the metadata they sign, and helpers to publish through the HTTP API.
/// </summary>
internal sealed class TestCollection : IDisposable
{
    private static readonly DateTimeOffset s_expires = new(2099, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public TestCollection(string gun, Key serverTimestampKey, Key? serverSnapshotKey)
    {
        Gun = gun;
        ServerTimestampKey = serverTimestampKey;
        ServerSnapshotKey = serverSnapshotKey;
        Root = new Root { Version = 1, Expires = s_expires, ConsistentSnapshot = true };
        AddRole(Root, "root", RootKey.PublicKey);
        AddRole(Root, "targets", TargetsKey.PublicKey);
        AddRole(Root, "snapshot", serverSnapshotKey ?? SnapshotKey.PublicKey);
        AddRole(Root, "timestamp", serverTimestampKey);
        Targets = new Targets { Version = 1, Expires = s_expires };
    }

    public string Gun { get; }

    public SigningKey RootKey { get; } = SigningKey.GenerateEd25519();

    public SigningKey TargetsKey { get; } = SigningKey.GenerateEd25519();

    public SigningKey SnapshotKey { get; } = SigningKey.GenerateEd25519();

    public SigningKey DelegateKey { get; } = SigningKey.GenerateEd25519();

    public Key ServerTimestampKey { get; }

    public Key? ServerSnapshotKey { get; }

    public bool ServerManagesSnapshot => ServerSnapshotKey is not null;

    public Root Root { get; }

    public Targets Targets { get; }

    public static DateTimeOffset Expires => s_expires;

    /// <summary>Asks the server for its online key(s) and prepares a collection naming them.</summary>
    public static async Task<TestCollection> CreateAsync(HttpClient client, string gun, bool serverSnapshot = true)
    {
        var ts = await GetServerKeyAsync(client, gun, "timestamp");
        var snap = serverSnapshot ? await GetServerKeyAsync(client, gun, "snapshot") : null;
        return new TestCollection(gun, ts, snap);
    }

    public static async Task<Key> GetServerKeyAsync(HttpClient client, string gun, string role)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{gun}/_trust/tuf/{role}.key");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServerHost.AdminToken);
        request.Headers.Accept.ParseAdd(Tuf.Server.Endpoints.NotaryEndpoints.TufKeyMediaType);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return Tuf.Server.Publishing.ServerKeyService.ParsePublic(await response.Content.ReadAsByteArrayAsync());
    }

    public static void AddRole(Root root, string role, Key key)
    {
        var id = key.ComputeKeyId();
        root.Keys[id] = key;
        root.Roles[role] = new Role { KeyIds = [id], Threshold = 1 };
    }

    public static byte[] Sign(Signed signed, params SigningKey[] keys)
    {
        var canonical = MetadataWriter.ToCanonicalBytes(signed);
        return MetadataWriter.ToFileBytes(signed, keys.Select(k => new Signature(k.KeyId, Convert.ToHexStringLower(k.Sign(canonical)))).ToList(), MetadataFileFormat.Indented);
    }

    public byte[] SignedRoot() => Sign(Root, RootKey);

    public byte[] SignedTargets() => Sign(Targets, TargetsKey);

    /// <summary>Adds a target to top-level targets and returns its content.</summary>
    public byte[] AddTarget(string path, string content)
    {
        var data = Encoding.UTF8.GetBytes(content);
        Targets.TargetFiles[path] = new TargetFile
        {
            Path = path,
            Length = data.Length,
            Hashes = new Dictionary<string, string> { ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(data)) },
        };
        return data;
    }

    /// <summary>A client-managed snapshot listing the given targets role versions.</summary>
    public byte[] SignedSnapshot(long version, IDictionary<string, long> targetsVersions)
    {
        var snapshot = new Snapshot { Version = version, Expires = s_expires };
        foreach (var (role, v) in targetsVersions)
        {
            snapshot.Meta[role + ".json"] = new MetaFile { Version = v };
        }

        return Sign(snapshot, SnapshotKey);
    }

    /// <summary>The first publish: root v1, targets v1 (and snapshot v1 for a client-managed snapshot).</summary>
    public Task<HttpResponseMessage> PublishInitialAsync(HttpClient client)
    {
        var files = new List<(string, byte[])> { ("root", SignedRoot()), ("targets", SignedTargets()) };
        if (!ServerManagesSnapshot)
        {
            files.Add(("snapshot", SignedSnapshot(1, new Dictionary<string, long> { ["targets"] = 1 })));
        }

        return PublishAsync(client, Gun, files);
    }

    public static Task<HttpResponseMessage> PublishAsync(HttpClient client, string gun, IEnumerable<(string Role, byte[] Data)> files, IEnumerable<(string Path, byte[] Data)>? targets = null, string? token = ServerHost.AdminToken)
    {
        var content = new MultipartFormDataContent();
        foreach (var (role, data) in files)
        {
            var part = new ByteArrayContent(data);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            content.Add(part, "files", Uri.EscapeDataString(role) + ".json");
        }

        foreach (var (path, data) in targets ?? [])
        {
            content.Add(new ByteArrayContent(data), "target", Uri.EscapeDataString(path));
        }

        var request = new HttpRequestMessage(HttpMethod.Post, $"v2/{gun}/_trust/tuf/") { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client.SendAsync(request);
    }

    public void Dispose()
    {
        RootKey.Dispose();
        TargetsKey.Dispose();
        SnapshotKey.Dispose();
        DelegateKey.Dispose();
    }
}
