using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tuf.Notary;

namespace Tuf.Server.Tests.TestKit;

/// <summary>
/// Writes Notary-dialect metadata the way the notary client does (keys, canonical JSON, ECDSA raw r||s signatures),
/// so that tests can publish good and deliberately bad uploads to a Notary collection.
/// </summary>
internal sealed class NotaryTestCollection : IDisposable
{
    public NotaryTestCollection(string gun, NotaryKey serverTimestampKey, string? rootCommonName = null)
    {
        Gun = gun;
        ServerTimestampKey = serverTimestampKey;
        RootSigner = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + (rootCommonName ?? gun), RootSigner, HashAlgorithmName.SHA256);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
        RootKey = new NotaryKey("ecdsa-x509", Encoding.ASCII.GetBytes(cert.ExportCertificatePem() + "\n"));
        TargetsSigner = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        TargetsKey = new NotaryKey("ecdsa", TargetsSigner.ExportSubjectPublicKeyInfo());
        SnapshotSigner = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        SnapshotKey = new NotaryKey("ecdsa", SnapshotSigner.ExportSubjectPublicKeyInfo());
    }

    public string Gun { get; }

    public ECDsa RootSigner { get; }

    public NotaryKey RootKey { get; }

    public ECDsa TargetsSigner { get; }

    public NotaryKey TargetsKey { get; }

    public ECDsa SnapshotSigner { get; }

    public NotaryKey SnapshotKey { get; set; }

    public NotaryKey ServerTimestampKey { get; }

    public static string Expiry(TimeSpan fromNow) => DateTimeOffset.UtcNow.Add(fromNow).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The server's timestamp key as GET .../timestamp.key returns it (Notary's form).</summary>
    public static async Task<NotaryKey> GetServerKeyAsync(HttpClient client, string gun, string role = "timestamp")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{gun}/_trust/tuf/{role}.key");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServerHost.AdminToken);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("keyval").GetProperty("private").ValueKind);
        return new NotaryKey(doc.RootElement.GetProperty("keytype").GetString()!, doc.RootElement.GetProperty("keyval").GetProperty("public").GetBytesFromBase64());
    }

    public JsonObject Root(long version = 1, NotaryKey? snapshotKey = null, NotaryKey? timestampKey = null) => new()
    {
        ["_type"] = "Root",
        ["consistent_snapshot"] = false,
        ["expires"] = Expiry(TimeSpan.FromDays(3650)),
        ["keys"] = Keys(RootKey, TargetsKey, snapshotKey ?? SnapshotKey, timestampKey ?? ServerTimestampKey),
        ["roles"] = new JsonObject
        {
            ["root"] = Role(RootKey),
            ["targets"] = Role(TargetsKey),
            ["snapshot"] = Role(snapshotKey ?? SnapshotKey),
            ["timestamp"] = Role(timestampKey ?? ServerTimestampKey),
        },
        ["version"] = version,
    };

    public static JsonObject Targets(long version, IDictionary<string, byte[]> targets, JsonObject? delegations = null, TimeSpan? expiresIn = null)
    {
        var list = new JsonObject();
        foreach (var (name, content) in targets)
        {
            list[name] = Meta(content);
        }

        return new JsonObject
        {
            ["_type"] = "Targets",
            ["delegations"] = delegations ?? new JsonObject { ["keys"] = new JsonObject(), ["roles"] = new JsonArray() },
            ["expires"] = Expiry(expiresIn ?? TimeSpan.FromDays(1095)),
            ["targets"] = list,
            ["version"] = version,
        };
    }

    public static JsonObject Snapshot(long version, IDictionary<string, byte[]> files)
    {
        var meta = new JsonObject();
        foreach (var (role, data) in files)
        {
            meta[role] = Meta(data);
        }

        return new JsonObject { ["_type"] = "Snapshot", ["expires"] = Expiry(TimeSpan.FromDays(1095)), ["meta"] = meta, ["version"] = version };
    }

    public static JsonObject Meta(byte[] data) => new()
    {
        ["hashes"] = new JsonObject { ["sha256"] = Convert.ToBase64String(SHA256.HashData(data)), ["sha512"] = Convert.ToBase64String(SHA512.HashData(data)) },
        ["length"] = data.Length,
    };

    public static JsonObject Keys(params NotaryKey[] keys)
    {
        var result = new JsonObject();
        foreach (var key in keys.DistinctBy(k => k.Id))
        {
            result[key.Id] = new JsonObject
            {
                ["keytype"] = key.KeyType,
                ["keyval"] = new JsonObject { ["private"] = null, ["public"] = Convert.ToBase64String(key.PublicValue) },
            };
        }

        return result;
    }

    public static JsonObject Role(params NotaryKey[] keys) => new()
    {
        ["keyids"] = new JsonArray([.. keys.Select(k => JsonValue.Create(k.Id))]),
        ["threshold"] = 1,
    };

    /// <summary>The file Notary's client writes: canonical <c>signed</c>, ECDSA raw r||s over SHA-256, base64.</summary>
    public static byte[] Sign(JsonObject signed, params (NotaryKey Key, ECDsa Signer)[] signers)
    {
        byte[] canonical = NotaryMetadata.Canonicalize(Encoding.UTF8.GetBytes(signed.ToJsonString()));
        var signatures = new JsonArray();
        foreach (var (key, signer) in signers)
        {
            signatures.Add(new JsonObject
            {
                ["keyid"] = key.Id,
                ["method"] = "ecdsa",
                ["sig"] = Convert.ToBase64String(signer.SignData(canonical, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)),
            });
        }

        return Encoding.UTF8.GetBytes($"{{\"signed\":{Encoding.UTF8.GetString(canonical)},\"signatures\":{signatures.ToJsonString()}}}");
    }

    public byte[] SignRoot(JsonObject root) => Sign(root, (RootKey, RootSigner));

    public byte[] SignTargets(JsonObject targets) => Sign(targets, (TargetsKey, TargetsSigner));

    public byte[] SignSnapshot(JsonObject snapshot) => Sign(snapshot, (SnapshotKey, SnapshotSigner));

    /// <summary>POSTs the files as the notary client does (parts named <c>files</c>, file name = role).</summary>
    public static Task<HttpResponseMessage> PublishAsync(HttpClient client, string gun, params (string Role, byte[] Data)[] files) =>
        PublishAsync(client, gun, files, []);

    /// <summary>POSTs metadata parts and hosted-target parts (<c>target</c>, file name = target path).</summary>
    public static async Task<HttpResponseMessage> PublishAsync(HttpClient client, string gun, (string Role, byte[] Data)[] files, (string Path, byte[] Data)[] targets)
    {
        using var content = new MultipartFormDataContent();
        foreach (var (role, data) in files)
        {
            var part = new ByteArrayContent(data);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Add(part, "files", role);
        }

        foreach (var (path, data) in targets)
        {
            var part = new ByteArrayContent(data);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Add(part, "target", path);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"v2/{gun}/_trust/tuf/") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServerHost.AdminToken);
        return await client.SendAsync(request);
    }

    public void Dispose()
    {
        RootSigner.Dispose();
        TargetsSigner.Dispose();
        SnapshotSigner.Dispose();
    }
}
