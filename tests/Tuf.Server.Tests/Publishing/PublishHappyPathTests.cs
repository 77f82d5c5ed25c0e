using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Tuf.Server.Tests.TestKit;
using Xunit.Abstractions;

namespace Tuf.Server.Tests.Publishing;

public abstract class PublishHappyPathTests(ITestOutputHelper output) : ServerTestBase(output)
{
    [SkippableFact]
    public async Task Publish_NewCollectionServerManagedSnapshot_ServesVerifiableState()
    {
        using var host = StartHost();
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/app");
        c.AddTarget("app.bin", "hello");

        using var response = await c.PublishInitialAsync(host.Client);
        await ServedState.AssertOkAsync(response);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, body.RootElement.GetProperty("versions").GetProperty("timestamp").GetInt64());
        Assert.Equal(1, body.RootElement.GetProperty("versions").GetProperty("snapshot").GetInt64());

        var state = await CollectionVerifier.VerifyAsync(host.Client, c.Gun, c.SignedRoot(), DateTimeOffset.UtcNow);
        Assert.Equal((1L, 1L, 1L, 1L), (state.RootVersion, state.TimestampVersion, state.SnapshotVersion, state.TargetsVersion));
        Assert.Contains("app.bin", state.Targets.TargetFiles.Keys);
    }

    [SkippableFact]
    public async Task Publish_ClientManagedSnapshot_ServesUploadedSnapshot()
    {
        using var host = StartHost();
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/own-snapshot", serverSnapshot: false);
        using var response = await c.PublishInitialAsync(host.Client);
        await ServedState.AssertOkAsync(response);

        var state = await CollectionVerifier.VerifyAsync(host.Client, c.Gun, c.SignedRoot(), DateTimeOffset.UtcNow);
        Assert.Equal(1, state.SnapshotVersion);

        c.Targets.Version = 2;
        c.AddTarget("b.txt", "b");
        using var second = await TestCollection.PublishAsync(host.Client, c.Gun,
            [("targets", c.SignedTargets()), ("snapshot", c.SignedSnapshot(2, new Dictionary<string, long> { ["targets"] = 2 }))]);
        await ServedState.AssertOkAsync(second);
        state = await CollectionVerifier.VerifyAsync(host.Client, c.Gun, c.SignedRoot(), DateTimeOffset.UtcNow);
        Assert.Equal((2L, 2L, 2L), (state.TimestampVersion, state.SnapshotVersion, state.TargetsVersion));
    }

    [SkippableFact]
    public async Task Get_VersionedAndTimestamp_ExactBytesWithETagCacheControlAnd304()
    {
        using var host = StartHost();
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/cache");
        var rootBytes = c.SignedRoot();
        using (var r = await TestCollection.PublishAsync(host.Client, c.Gun, [("root", rootBytes), ("targets", c.SignedTargets())]))
        {
            await ServedState.AssertOkAsync(r);
        }

        using var versioned = await host.Client.GetAsync($"{c.Gun}/metadata/1.root.json");
        Assert.Equal(rootBytes, await versioned.Content.ReadAsByteArrayAsync());
        Assert.Equal("public, max-age=31536000, immutable", versioned.Headers.CacheControl!.ToString());
        var etag = versioned.Headers.ETag!;
        Assert.Equal("\"" + Convert.ToHexStringLower(SHA256.HashData(rootBytes)) + "\"", etag.Tag);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"{c.Gun}/metadata/1.root.json");
        conditional.Headers.IfNoneMatch.Add(etag);
        using var notModified = await host.Client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var timestamp = await host.Client.GetAsync($"{c.Gun}/metadata/timestamp.json");
        Assert.Equal(HttpStatusCode.OK, timestamp.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(10), timestamp.Headers.CacheControl!.MaxAge);
        Assert.False(timestamp.Headers.CacheControl.ToString().Contains("immutable", StringComparison.Ordinal));

        // Notary-compatible names serve the same bytes.
        using var notary = await host.Client.GetAsync($"v2/{c.Gun}/_trust/tuf/root.json");
        Assert.Equal(rootBytes, await notary.Content.ReadAsByteArrayAsync());
        using var byHash = await host.Client.GetAsync($"v2/{c.Gun}/_trust/tuf/root.{Convert.ToHexStringLower(SHA256.HashData(rootBytes))}.json");
        Assert.Equal(rootBytes, await byHash.Content.ReadAsByteArrayAsync());
        Assert.Equal("public, max-age=31536000, immutable", byHash.Headers.CacheControl!.ToString());
        using var notaryVersioned = await host.Client.GetAsync($"v2/{c.Gun}/_trust/tuf/1.root.json");
        Assert.Equal(rootBytes, await notaryVersioned.Content.ReadAsByteArrayAsync());
    }

    [SkippableTheory]
    [InlineData("W/\"{0}\"", HttpStatusCode.NotModified)]
    [InlineData("\"other\", \"{0}\"", HttpStatusCode.NotModified)]
    [InlineData("*", HttpStatusCode.NotModified)]
    [InlineData("\"{0}x\"", HttpStatusCode.OK)]
    [InlineData("\"other\"", HttpStatusCode.OK)]
    public async Task Get_IfNoneMatchForms_ComparedWeaklyOverTheList(string header, HttpStatusCode expected)
    {
        using var host = StartHost();
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/etags");
        var rootBytes = await PublishRootAndTargetsAsync(host, c);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"{c.Gun}/metadata/1.root.json");
        request.Headers.TryAddWithoutValidation("If-None-Match", string.Format(System.Globalization.CultureInfo.InvariantCulture, header, Convert.ToHexStringLower(SHA256.HashData(rootBytes))));
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(expected == HttpStatusCode.OK ? rootBytes : [], body);
        Assert.NotNull(response.Headers.ETag);
    }

    [SkippableFact]
    public async Task Head_Metadata_HeadersWithoutBody()
    {
        using var host = StartHost();
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/head");
        var rootBytes = await PublishRootAndTargetsAsync(host, c);

        using var request = new HttpRequestMessage(HttpMethod.Head, $"{c.Gun}/metadata/1.root.json");
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(rootBytes.Length, response.Content.Headers.ContentLength);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    private static async Task<byte[]> PublishRootAndTargetsAsync(ServerHost host, TestCollection c)
    {
        var rootBytes = c.SignedRoot();
        using var r = await TestCollection.PublishAsync(host.Client, c.Gun, [("root", rootBytes), ("targets", c.SignedTargets())]);
        await ServedState.AssertOkAsync(r);
        return rootBytes;
    }

    [SkippableFact]
    public async Task Publish_DelegatedRole_AcceptedAndListedInSnapshot()
    {
        using var host = StartHost();
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/delegating");
        var delegateId = c.DelegateKey.KeyId;
        c.Targets.Delegations = new Delegations
        {
            Keys = new Dictionary<string, Key> { [delegateId] = c.DelegateKey.PublicKey },
            Roles = [new DelegatedRole { Name = "team/a", KeyIds = [delegateId], Threshold = 1, Paths = ["team-a/*"] }],
        };
        var delegated = new Targets { Version = 1, Expires = TestCollection.Expires };
        using var response = await TestCollection.PublishAsync(host.Client, c.Gun,
            [("root", c.SignedRoot()), ("targets", c.SignedTargets()), ("team/a", TestCollection.Sign(delegated, c.DelegateKey))]);
        await ServedState.AssertOkAsync(response);

        using var file = await host.Client.GetAsync($"{c.Gun}/metadata/1.team%2Fa.json");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        using var snapshot = await host.Client.GetAsync($"{c.Gun}/metadata/1.snapshot.json");
        var snap = MetadataParser.Parse<Snapshot>(await snapshot.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, snap.Signed.Meta["team/a.json"].Version);
    }

    [SkippableFact]
    public async Task Publish_HostedTarget_ServedByHashedAndPlainName()
    {
        using var host = StartHost();
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/hosted");
        var data = c.AddTarget("dir/app.bin", "hosted content");
        using var response = await TestCollection.PublishAsync(host.Client, c.Gun, [("root", c.SignedRoot()), ("targets", c.SignedTargets())], [("dir/app.bin", data)]);
        await ServedState.AssertOkAsync(response);

        var hash = Convert.ToHexStringLower(SHA256.HashData(data));
        using var hashed = await host.Client.GetAsync($"{c.Gun}/targets/dir/{hash}.app.bin");
        Assert.Equal(data, await hashed.Content.ReadAsByteArrayAsync());
        Assert.Equal("public, max-age=31536000, immutable", hashed.Headers.CacheControl!.ToString());
        using var plain = await host.Client.GetAsync($"{c.Gun}/targets/dir/app.bin");
        Assert.Equal(data, await plain.Content.ReadAsByteArrayAsync());
        using var wrongHash = await host.Client.GetAsync($"{c.Gun}/targets/dir/{new string('0', 64)}.app.bin");
        await ServedState.AssertErrorAsync(wrongHash, HttpStatusCode.NotFound, "not_found");
    }

    [SkippableFact]
    public async Task Publish_RootRotation_NewRootSignedByOldAndNewAccepted()
    {
        using var host = StartHost();
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/rotate");
        await ServedState.AssertOkAsync(await c.PublishInitialAsync(host.Client));
        var v1 = c.SignedRoot();

        using var newRootKey = SigningKey.GenerateEd25519();
        var oldRootKey = c.RootKey;
        c.Root.Version = 2;
        TestCollection.AddRole(c.Root, "root", newRootKey.PublicKey);
        c.Root.Keys.Remove(oldRootKey.KeyId);
        using var response = await TestCollection.PublishAsync(host.Client, c.Gun, [("root", TestCollection.Sign(c.Root, oldRootKey, newRootKey))]);
        await ServedState.AssertOkAsync(response);

        var state = await CollectionVerifier.VerifyAsync(host.Client, c.Gun, v1, DateTimeOffset.UtcNow);
        Assert.Equal(2, state.RootVersion);
    }

    [SkippableFact]
    public async Task KeyEndpoint_GetThenRotate_NewKeyDiffersAndGetReturnsNewest()
    {
        using var host = StartHost();
        var first = await TestCollection.GetServerKeyAsync(host.Client, "example.com/keys", "timestamp");
        var again = await TestCollection.GetServerKeyAsync(host.Client, "example.com/keys", "timestamp");
        Assert.Equal(first.ComputeKeyId(), again.ComputeKeyId());

        using var rotate = new HttpRequestMessage(HttpMethod.Post, "v2/example.com/keys/_trust/tuf/timestamp.key");
        rotate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServerHost.AdminToken);
        rotate.Headers.Accept.ParseAdd(Tuf.Server.Endpoints.NotaryEndpoints.TufKeyMediaType);
        using var rotated = await host.Client.SendAsync(rotate);
        await ServedState.AssertOkAsync(rotated);
        var next = Tuf.Server.Publishing.ServerKeyService.ParsePublic(await rotated.Content.ReadAsByteArrayAsync());
        Assert.NotEqual(first.ComputeKeyId(), next.ComputeKeyId());
        Assert.Equal(next.ComputeKeyId(), (await TestCollection.GetServerKeyAsync(host.Client, "example.com/keys", "timestamp")).ComputeKeyId());
        Assert.DoesNotContain("PRIVATE", await rotated.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Delete_Collection_GoneAndChangefeedRecordsIt()
    {
        using var host = StartHost();
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/deleted");
        await ServedState.AssertOkAsync(await c.PublishInitialAsync(host.Client));

        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"v2/{c.Gun}/_trust/tuf/");
        delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServerHost.AdminToken);
        using var deleted = await host.Client.SendAsync(delete);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode); // Notary's client accepts only 200

        using var gone = await host.Client.GetAsync($"{c.Gun}/metadata/timestamp.json");
        await ServedState.AssertErrorAsync(gone, HttpStatusCode.NotFound, "not_found");
        using var feed = await host.Client.GetAsync($"v2/{c.Gun}/_trust/changefeed");
        using var doc = JsonDocument.Parse(await feed.Content.ReadAsStringAsync());
        var categories = doc.RootElement.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("Category").GetString()).ToList();
        Assert.Equal(["update", "deletion"], categories);
    }
}

public sealed class PublishHappyPathTestsOnSqlite(ITestOutputHelper output) : PublishHappyPathTests(output)
{
    protected override bool UsePostgres => false;
}

public sealed class PublishHappyPathTestsOnPostgres(ITestOutputHelper output) : PublishHappyPathTests(output)
{
    protected override bool UsePostgres => true;
}

public sealed class PublishKeyTypeTests
{
    [SkippableFact]
    public async Task Publish_RootWithEcdsaPemKeys_AcceptedAndServedByteForByte()
    {
        using var host = ServerHost.Start();
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/ecdsa");
        using var rootKey = SigningKey.GenerateEcdsaP256();
        using var targetsKey = SigningKey.GenerateEcdsaP256();
        c.Root.Keys.Remove(c.RootKey.KeyId);
        c.Root.Keys.Remove(c.TargetsKey.KeyId);
        TestCollection.AddRole(c.Root, "root", rootKey.PublicKey);
        TestCollection.AddRole(c.Root, "targets", targetsKey.PublicKey);

        // python-tuf writes PEM newlines escaped as \n; canonical JSON (what is signed) keeps them raw.
        static byte[] AsJsonFile(Signed signed, SigningKey key)
        {
            var canonical = MetadataWriter.ToCanonicalBytes(signed);
            var file = MetadataWriter.ToFileBytes(signed, [new Signature(key.KeyId, Convert.ToHexStringLower(key.Sign(canonical)))], MetadataFileFormat.Canonical);
            return System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(file).Replace("\n", "\\n", StringComparison.Ordinal));
        }

        var root = AsJsonFile(c.Root, rootKey);
        var targets = AsJsonFile(c.Targets, targetsKey);
        using var response = await TestCollection.PublishAsync(host.Client, c.Gun, [("root", root), ("targets", targets)]);
        await ServedState.AssertOkAsync(response);

        using var served = await host.Client.GetAsync($"{c.Gun}/metadata/1.root.json");
        Assert.Equal(root, await served.Content.ReadAsByteArrayAsync());
        var state = await CollectionVerifier.VerifyAsync(host.Client, c.Gun, root, DateTimeOffset.UtcNow);
        Assert.Equal(1, state.TargetsVersion);
    }
}
