using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Tuf.Client.Notary;
using Tuf.Notary;
using Tuf.Server.Tests.TestKit;
using Xunit.Abstractions;

namespace Tuf.Server.Tests.Notary;

/// <summary>
/// Publishing a Notary collection by Notary's rules: a good upload is served with a server-signed timestamp (and
/// snapshot once the root names the server's key) that Notary's client workflow accepts; each refusal rule answers
/// 400 with its code and leaves what is served unchanged.
/// </summary>
public abstract class NotaryPublishTests(ITestOutputHelper output) : ServerTestBase(output), IDisposable
{
    private static readonly byte[] Hello = "hello\n"u8.ToArray();
    private ServerHost? _host;

    private ServerHost Host => _host ??= StartHost();

    private HttpClient Client => Host.Client;

    public void Dispose()
    {
        _host?.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task<(NotaryTestCollection Collection, byte[] Root, byte[] Targets, byte[] Snapshot)> NewAsync(string gun)
    {
        var collection = new NotaryTestCollection(gun, await NotaryTestCollection.GetServerKeyAsync(Client, gun));
        var root = collection.SignRoot(collection.Root());
        var targets = collection.SignTargets(NotaryTestCollection.Targets(1, new Dictionary<string, byte[]> { ["hello"] = Hello }));
        var snapshot = collection.SignSnapshot(NotaryTestCollection.Snapshot(1, new Dictionary<string, byte[]> { ["root"] = root, ["targets"] = targets }));
        return (collection, root, targets, snapshot);
    }

    [SkippableFact]
    public async Task A_first_publish_is_served_with_a_timestamp_the_notary_workflow_accepts()
    {
        const string gun = "example.com/notary/first";
        var (collection, root, targets, snapshot) = await NewAsync(gun);
        using (collection)
        {
            using var response = await NotaryTestCollection.PublishAsync(Client, gun, ("root", root), ("targets", targets), ("snapshot", snapshot));
            await ServedState.AssertOkAsync(response);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            // Served by name and by checksum, exactly as uploaded.
            Assert.Equal(targets, await Client.GetByteArrayAsync($"v2/{gun}/_trust/tuf/targets.json"));
            Assert.Equal(snapshot, await Client.GetByteArrayAsync($"v2/{gun}/_trust/tuf/snapshot.{Convert.ToHexStringLower(SHA256.HashData(snapshot))}.json"));
            var timestamp = NotaryMetadata.Parse(await Client.GetByteArrayAsync($"v2/{gun}/_trust/tuf/timestamp.json"), "Timestamp", "timestamp.json");
            var parsedRoot = NotaryMetadata.Parse(root, "Root", "root.json");
            timestamp.VerifySignatures(parsedRoot.Roles["timestamp"], parsedRoot.Keys);
            Assert.Equal(SHA256.HashData(snapshot), timestamp.Meta["snapshot"].Hashes["sha256"]);

            // By version too, and the change feed records the publish.
            Assert.Equal(root, await Client.GetByteArrayAsync($"v2/{gun}/_trust/tuf/1.root.json"));
            Assert.Contains("\"count\":1", await Client.GetStringAsync($"v2/{gun}/_trust/changefeed"), StringComparison.Ordinal);

            // The whole client workflow over the server.
            using var client = new NotaryClient(Host.BaseAddress, gun, TestDirs.New("notary-client-").FullName);
            var data = await client.RefreshAsync();
            Assert.Equal("hello", Assert.Single(data.Targets).Name);

            // The server key in Notary's form is the one the root names (ECDSA P-256, Notary's default; the same key on
            // every request before the first publish too), and its signature is Notary's raw r||s.
            Assert.Equal(collection.ServerTimestampKey.Id, (await NotaryTestCollection.GetServerKeyAsync(Client, gun)).Id);
            Assert.Equal("ecdsa", collection.ServerTimestampKey.KeyType);
            Assert.Equal("ecdsa", Assert.Single(timestamp.Signatures).Method);
            Assert.Equal(64, timestamp.Signatures[0].Value.Length);
        }
    }

    [SkippableFact]
    public async Task The_server_signs_the_snapshot_once_the_root_names_its_snapshot_key()
    {
        const string gun = "example.com/notary/server-snapshot";
        var (collection, root, targets, snapshot) = await NewAsync(gun);
        using (collection)
        {
            using (var first = await NotaryTestCollection.PublishAsync(Client, gun, ("root", root), ("targets", targets), ("snapshot", snapshot)))
            {
                await ServedState.AssertOkAsync(first);
            }

            // notary key rotate GUN snapshot -r: POST snapshot.key, then a new root naming it.
            using var rotate = new HttpRequestMessage(HttpMethod.Post, $"v2/{gun}/_trust/tuf/snapshot.key");
            rotate.Headers.Authorization = new("Bearer", ServerHost.AdminToken);
            using (var rotated = await Client.SendAsync(rotate))
            {
                await ServedState.AssertOkAsync(rotated);
            }

            var serverSnapshotKey = await NotaryTestCollection.GetServerKeyAsync(Client, gun, "snapshot");
            var root2 = collection.SignRoot(collection.Root(version: 2, snapshotKey: serverSnapshotKey));
            var targets2 = collection.SignTargets(NotaryTestCollection.Targets(2, new Dictionary<string, byte[]> { ["hello"] = Hello, ["v2"] = "v2\n"u8.ToArray() }));
            using (var second = await NotaryTestCollection.PublishAsync(Client, gun, ("root", root2), ("targets", targets2)))
            {
                await ServedState.AssertOkAsync(second);
            }

            var served = NotaryMetadata.Parse(await Client.GetByteArrayAsync($"v2/{gun}/_trust/tuf/snapshot.json"), "Snapshot", "snapshot.json");
            Assert.Equal(2, served.Version);
            served.VerifySignatures(NotaryMetadata.Parse(root2, "Root", "root.json").Roles["snapshot"], NotaryMetadata.Parse(root2, "Root", "root.json").Keys);
            Assert.Equal(SHA256.HashData(targets2), served.Meta["targets"].Hashes["sha256"]);

            using var client = new NotaryClient(Host.BaseAddress, gun, TestDirs.New("notary-client-").FullName);
            Assert.Equal(["hello", "v2"], (await client.RefreshAsync()).Targets.Select(t => t.Name));
        }
    }

    public static TheoryData<string> FirstPublishRefusals => new(
        "root-not-self-signed", "root-for-another-collection", "targets-wrong-key", "snapshot-wrong-hash", "timestamp-uploaded",
        "root-without-server-timestamp-key", "targets-expired", "root-expired", "malformed", "no-root", "no-snapshot", "no-targets", "unknown-role",
        "path-traversal-role", "duplicate-role", "nothing", "snapshot-missing-targets", "hosted-target");

    [SkippableTheory]
    [MemberData(nameof(FirstPublishRefusals))]
    public async Task A_refused_first_publish_changes_nothing(string refusal)
    {
        string gun = "example.com/notary/refused-" + refusal;
        var (collection, root, targets, snapshot) = await NewAsync(gun);
        using (collection)
        {
            var before = await ServedState.CaptureAsync(Client, gun);
            (string Role, byte[] Data)[] upload;
            (string Path, byte[] Data)[] hosted = [];
            string code;
            switch (refusal)
            {
                case "root-expired":
                    var oldRoot = collection.Root();
                    oldRoot["expires"] = NotaryTestCollection.Expiry(TimeSpan.FromDays(-1));
                    var expiredRoot = collection.SignRoot(oldRoot);
                    upload = [("root", expiredRoot), ("targets", targets), ("snapshot", collection.SignSnapshot(NotaryTestCollection.Snapshot(1, new Dictionary<string, byte[]> { ["root"] = expiredRoot, ["targets"] = targets })))];
                    code = "expired";
                    break;
                case "no-targets":
                    upload = [("root", root), ("snapshot", snapshot)];
                    code = "targets_missing";
                    break;
                case "duplicate-role":
                    upload = [("root", root), ("targets", targets), ("targets", targets), ("snapshot", snapshot)];
                    code = "duplicate_role";
                    break;
                case "nothing":
                    upload = [];
                    code = "malformed_multipart"; // an upload without parts is refused before any dialect applies
                    break;
                case "snapshot-missing-targets":
                    upload = [("root", root), ("targets", targets), ("snapshot", collection.SignSnapshot(NotaryTestCollection.Snapshot(1, new Dictionary<string, byte[]> { ["root"] = root, ["targets/x"] = targets })))];
                    code = "malformed_metadata"; // a snapshot must list root and targets
                    break;
                case "hosted-target":
                    upload = [("root", root), ("targets", targets), ("snapshot", snapshot)];
                    hosted = [("hello", Hello)];
                    code = "bad_request";
                    break;
                case "path-traversal-role":
                    upload = [("root", root), ("targets", targets), ("snapshot", snapshot), ("targets/../../x", targets)];
                    code = "unknown_role";
                    break;
                case "root-not-self-signed":
                    upload = [("root", NotaryTestCollection.Sign(collection.Root(), (collection.TargetsKey, collection.TargetsSigner))), ("targets", targets), ("snapshot", snapshot)];
                    code = "unsigned";
                    break;
                case "root-for-another-collection":
                    using (var other = new NotaryTestCollection("example.com/other", collection.ServerTimestampKey))
                    {
                        upload = [("root", other.SignRoot(other.Root())), ("targets", targets), ("snapshot", snapshot)];
                    }

                    code = "unsigned";
                    break;
                case "targets-wrong-key":
                    upload = [("root", root), ("targets", NotaryTestCollection.Sign(NotaryTestCollection.Targets(1, new Dictionary<string, byte[]>()), (collection.SnapshotKey, collection.SnapshotSigner))), ("snapshot", snapshot)];
                    code = "unsigned";
                    break;
                case "snapshot-wrong-hash":
                    upload = [("root", root), ("targets", targets), ("snapshot", collection.SignSnapshot(NotaryTestCollection.Snapshot(1, new Dictionary<string, byte[]> { ["root"] = root, ["targets"] = root })))];
                    code = "snapshot_inconsistent";
                    break;
                case "timestamp-uploaded":
                    upload = [("root", root), ("targets", targets), ("snapshot", snapshot), ("timestamp", snapshot)];
                    code = "timestamp_managed_by_server";
                    break;
                case "root-without-server-timestamp-key":
                    var rootWithOwnTimestampKey = collection.SignRoot(collection.Root(timestampKey: collection.SnapshotKey));
                    upload = [("root", rootWithOwnTimestampKey), ("targets", targets), ("snapshot", collection.SignSnapshot(NotaryTestCollection.Snapshot(1, new Dictionary<string, byte[]> { ["root"] = rootWithOwnTimestampKey, ["targets"] = targets })))];
                    code = "server_key_not_in_root";
                    break;
                case "targets-expired":
                    var expired = collection.SignTargets(NotaryTestCollection.Targets(1, new Dictionary<string, byte[]>(), expiresIn: TimeSpan.FromDays(-1)));
                    upload = [("root", root), ("targets", expired), ("snapshot", collection.SignSnapshot(NotaryTestCollection.Snapshot(1, new Dictionary<string, byte[]> { ["root"] = root, ["targets"] = expired })))];
                    code = "expired";
                    break;
                case "malformed":
                    upload = [("root", root), ("targets", Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(targets).Replace("\"sig\":\"", "\"sig\":\"!", StringComparison.Ordinal))), ("snapshot", snapshot)];
                    code = "malformed_metadata";
                    break;
                case "no-root":
                    upload = [("targets", targets), ("snapshot", snapshot)];
                    code = "root_missing";
                    break;
                case "no-snapshot":
                    upload = [("root", root), ("targets", targets)];
                    code = "snapshot_required";
                    break;
                case "unknown-role":
                    upload = [("root", root), ("targets", targets), ("snapshot", snapshot), ("releases", targets)];
                    code = "unknown_role";
                    break;
                default:
                    throw new InvalidOperationException(refusal);
            }

            using var response = await NotaryTestCollection.PublishAsync(Client, gun, upload, hosted);
            await ServedState.AssertErrorAsync(response, HttpStatusCode.BadRequest, code);
            Assert.Equal(before, await ServedState.CaptureAsync(Client, gun));
        }
    }

    public static TheoryData<string> LaterPublishRefusals => new(
        "same-targets-version", "root-version-skip", "root-not-signed-by-previous", "delegation-outside-paths", "undelegated-role",
        "delegator-missing", "snapshot-omits-uploaded-role", "same-snapshot-version");

    [SkippableTheory]
    [MemberData(nameof(LaterPublishRefusals))]
    public async Task A_refused_later_publish_changes_nothing(string refusal)
    {
        string gun = "example.com/notary/later-" + refusal;
        var (collection, root, targets, snapshot) = await NewAsync(gun);
        using (collection)
        {
            using (var first = await NotaryTestCollection.PublishAsync(Client, gun, ("root", root), ("targets", targets), ("snapshot", snapshot)))
            {
                await ServedState.AssertOkAsync(first);
            }

            var before = await ServedState.CaptureAsync(Client, gun);
            (string Role, byte[] Data)[] upload;
            string code;
            using var delegate_ = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var delegateKey = new NotaryKey("ecdsa", delegate_.ExportSubjectPublicKeyInfo());
            switch (refusal)
            {
                case "same-targets-version":
                    var again = collection.SignTargets(NotaryTestCollection.Targets(1, new Dictionary<string, byte[]>()));
                    upload = [("targets", again), ("snapshot", collection.SignSnapshot(NotaryTestCollection.Snapshot(2, new Dictionary<string, byte[]> { ["root"] = root, ["targets"] = again })))];
                    code = "version_not_increasing";
                    break;
                case "root-version-skip":
                    var root3 = collection.SignRoot(collection.Root(version: 3));
                    upload = [("root", root3), ("snapshot", collection.SignSnapshot(NotaryTestCollection.Snapshot(2, new Dictionary<string, byte[]> { ["root"] = root3, ["targets"] = targets })))];
                    code = "root_version_skip";
                    break;
                case "delegator-missing":
                    var orphan = NotaryTestCollection.Sign(NotaryTestCollection.Targets(1, new Dictionary<string, byte[]> { ["rel/v1"] = Hello }), (delegateKey, delegate_));
                    upload = [("targets/a/b", orphan), ("snapshot", collection.SignSnapshot(NotaryTestCollection.Snapshot(2, new Dictionary<string, byte[]> { ["root"] = root, ["targets"] = targets, ["targets/a/b"] = orphan })))];
                    code = "unknown_role";
                    break;
                case "same-snapshot-version":
                    var targetsV2 = collection.SignTargets(NotaryTestCollection.Targets(2, new Dictionary<string, byte[]>()));
                    upload = [("targets", targetsV2), ("snapshot", collection.SignSnapshot(NotaryTestCollection.Snapshot(1, new Dictionary<string, byte[]> { ["root"] = root, ["targets"] = targetsV2 })))];
                    code = "version_not_increasing";
                    break;
                case "snapshot-omits-uploaded-role":
                    var withDelegation = new JsonObject
                    {
                        ["keys"] = NotaryTestCollection.Keys(delegateKey),
                        ["roles"] = new JsonArray(new JsonObject { ["keyids"] = new JsonArray(delegateKey.Id), ["name"] = "targets/releases", ["paths"] = new JsonArray(""), ["threshold"] = 1 }),
                    };
                    var parent = collection.SignTargets(NotaryTestCollection.Targets(2, new Dictionary<string, byte[]>(), withDelegation));
                    var child = NotaryTestCollection.Sign(NotaryTestCollection.Targets(1, new Dictionary<string, byte[]> { ["v1"] = Hello }), (delegateKey, delegate_));
                    upload = [("targets", parent), ("targets/releases", child), ("snapshot", collection.SignSnapshot(NotaryTestCollection.Snapshot(2, new Dictionary<string, byte[]> { ["root"] = root, ["targets"] = parent })))];
                    code = "snapshot_inconsistent";
                    break;
                case "root-not-signed-by-previous":
                    using (var usurper = new NotaryTestCollection(gun, collection.ServerTimestampKey))
                    {
                        var root2 = usurper.SignRoot(usurper.Root(version: 2));
                        upload = [("root", root2), ("snapshot", usurper.SignSnapshot(NotaryTestCollection.Snapshot(2, new Dictionary<string, byte[]> { ["root"] = root2, ["targets"] = targets })))];
                    }

                    code = "root_not_signed_by_previous";
                    break;
                default:
                    bool outside = refusal == "delegation-outside-paths";
                    var delegations = new JsonObject
                    {
                        ["keys"] = NotaryTestCollection.Keys(delegateKey),
                        ["roles"] = new JsonArray(new JsonObject
                        {
                            ["keyids"] = new JsonArray(delegateKey.Id),
                            ["name"] = "targets/releases",
                            ["paths"] = new JsonArray("rel/"),
                            ["threshold"] = 1,
                        }),
                    };
                    var targets2 = collection.SignTargets(NotaryTestCollection.Targets(2, new Dictionary<string, byte[]> { ["hello"] = Hello }, outside ? delegations : null));
                    var releases = NotaryTestCollection.Sign(NotaryTestCollection.Targets(1, new Dictionary<string, byte[]> { [outside ? "other/v1" : "rel/v1"] = Hello }), (delegateKey, delegate_));
                    upload = [("targets", targets2), ("targets/releases", releases), ("snapshot", collection.SignSnapshot(NotaryTestCollection.Snapshot(2, new Dictionary<string, byte[]> { ["root"] = root, ["targets"] = targets2, ["targets/releases"] = releases })))];
                    code = outside ? "target_outside_delegation" : "unknown_role";
                    break;
            }

            using var response = await NotaryTestCollection.PublishAsync(Client, gun, upload);
            await ServedState.AssertErrorAsync(response, HttpStatusCode.BadRequest, code);
            Assert.Equal(before, await ServedState.CaptureAsync(Client, gun));
        }
    }

    [SkippableFact]
    public async Task A_refusal_also_carries_the_error_in_notarys_form_for_its_clients()
    {
        const string gun = "example.com/notary/error-form";
        var (collection, root, targets, snapshot) = await NewAsync(gun);
        using (collection)
        {
            using (var first = await NotaryTestCollection.PublishAsync(Client, gun, ("root", root), ("targets", targets), ("snapshot", snapshot)))
            {
                await ServedState.AssertOkAsync(first);
            }

            var root3 = collection.SignRoot(collection.Root(version: 3));
            using var response = await NotaryTestCollection.PublishAsync(Client, gun, ("root", root3));
            string message = await ServedState.AssertErrorAsync(response, HttpStatusCode.BadRequest, "root_version_skip");
            using var doc = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var entry = Assert.Single(doc.RootElement.GetProperty("errors").EnumerateArray().ToList());
            Assert.Equal("INVALID_UPDATE", entry.GetProperty("code").GetString());
            Assert.Equal("ErrBadRoot", entry.GetProperty("detail").GetProperty("Name").GetString());
            Assert.Equal(message, entry.GetProperty("detail").GetProperty("Error").GetProperty("Msg").GetString());

            // The TUF routes keep the plain form.
            using var plain = await Client.GetAsync($"{gun}/metadata/99.root.json");
            Assert.DoesNotContain("\"errors\"", await plain.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task The_timestamp_of_a_notary_collection_is_re_signed_in_notary_form()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var host = StartHost(time);
        const string gun = "example.com/notary/resign";
        using var collection = new NotaryTestCollection(gun, await NotaryTestCollection.GetServerKeyAsync(host.Client, gun));
        var root = collection.SignRoot(collection.Root());
        var targets = collection.SignTargets(NotaryTestCollection.Targets(1, new Dictionary<string, byte[]> { ["hello"] = Hello }));
        var snapshot = collection.SignSnapshot(NotaryTestCollection.Snapshot(1, new Dictionary<string, byte[]> { ["root"] = root, ["targets"] = targets }));
        using (var first = await NotaryTestCollection.PublishAsync(host.Client, gun, ("root", root), ("targets", targets), ("snapshot", snapshot)))
        {
            await ServedState.AssertOkAsync(first);
        }

        var publisher = host.Services.GetService(typeof(Tuf.Server.Publishing.PublishService)) as Tuf.Server.Publishing.PublishService;
        Assert.False(await publisher!.ResignAsync(gun, CancellationToken.None)); // not due yet

        // Past the re-sign window of the one-day timestamp: a new version, in Notary's form, that the client accepts.
        // (The background re-signer runs on the same clock and may get there first: either way one new version.)
        time.Advance(TimeSpan.FromHours(20));
        _ = await publisher.ResignAsync(gun, CancellationToken.None);
        Assert.False(await publisher.ResignAsync(gun, CancellationToken.None)); // done: not due again
        var timestamp = NotaryMetadata.Parse(await host.Client.GetByteArrayAsync($"v2/{gun}/_trust/tuf/timestamp.json"), "Timestamp", "timestamp.json");
        Assert.Equal(2, timestamp.Version);
        var parsedRoot = NotaryMetadata.Parse(root, "Root", "root.json");
        timestamp.VerifySignatures(parsedRoot.Roles["timestamp"], parsedRoot.Keys);
        Assert.True(timestamp.Expires > time.GetUtcNow().AddHours(20));

        using var client = new NotaryClient(host.BaseAddress, gun, TestDirs.New("notary-client-").FullName,
            new NotaryClientOptions { Transport = new Tuf.Client.UpdaterOptions { TimeProvider = time } });
        Assert.Equal(2, (await client.RefreshAsync()).TimestampVersion);
    }
}

public sealed class NotaryPublishTestsOnSqlite(ITestOutputHelper output) : NotaryPublishTests(output)
{
    protected override bool UsePostgres => false;
}

public sealed class NotaryPublishTestsOnPostgres(ITestOutputHelper output) : NotaryPublishTests(output)
{
    protected override bool UsePostgres => true;
}
