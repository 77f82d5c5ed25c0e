using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Tuf.Server.Tests.TestKit;
using Xunit.Abstractions;

namespace Tuf.Server.Tests.Publishing;

/// <summary>Every publish rule: a bad upload gets its status and error code, and the collection serves exactly the same bytes afterwards.</summary>
public abstract class PublishValidationTests(ITestOutputHelper output) : ServerTestBase(output)
{
    private async Task<(ServerHost Host, TestCollection Collection)> StartPublishedAsync(bool serverSnapshot = true, string gun = "example.com/app")
    {
        var host = StartHost();
        var c = await TestCollection.CreateAsync(host.Client, gun, serverSnapshot);
        c.AddTarget("a.txt", "a");
        await ServedState.AssertOkAsync(await c.PublishInitialAsync(host.Client));
        return (host, c);
    }

    private static async Task AssertRejectedAsync(ServerHost host, string gun, Func<Task<HttpResponseMessage>> upload, HttpStatusCode status, string code)
    {
        var before = await ServedState.CaptureAsync(host.Client, gun);
        using var response = await upload();
        await ServedState.AssertErrorAsync(response, status, code);
        Assert.Equal(before, await ServedState.CaptureAsync(host.Client, gun));
    }

    private static Task<HttpResponseMessage> Publish(ServerHost host, TestCollection c, params (string Role, byte[] Data)[] files)
        => TestCollection.PublishAsync(host.Client, c.Gun, files);

    [SkippableFact]
    public async Task Publish_MultipartWithNoParts_Returns400MalformedMultipart()
    {
        // RFC 2046 requires at least one body part.
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c), HttpStatusCode.BadRequest, "malformed_multipart");
    }

    [SkippableFact]
    public async Task ValidateAsync_NoFilesAndNoTargets_ThrowsNothingToPublish()
    {
        var context = new Tuf.Server.Publishing.PublishContext
        {
            Gun = "g",
            State = null,
            Now = DateTimeOffset.UnixEpoch,
            LoadCurrentAsync = (_, _) => Task.FromResult<byte[]?>(null),
            ServerTimestampKeyIds = new HashSet<string>(),
            ServerSnapshotKeyIds = new HashSet<string>(),
        };
        var e = await Assert.ThrowsAsync<ApiException>(() => Tuf.Server.Publishing.PublishValidator.ValidateAsync(context, [], [], CancellationToken.None));
        Assert.Equal(("nothing_to_publish", 400), (e.Code, e.StatusCode));
    }

    [SkippableFact]
    public async Task Publish_TimestampUploaded_Returns400TimestampManagedByServer()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        var ts = TestCollection.Sign(new Timestamp { Version = 9, Expires = TestCollection.Expires }, c.TargetsKey);
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("timestamp", ts)), HttpStatusCode.BadRequest, "timestamp_managed_by_server");
    }

    [SkippableFact]
    public async Task Publish_SameRoleTwice_Returns400DuplicateRole()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        c.Targets.Version = 2;
        var t = c.SignedTargets();
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("targets", t), ("targets", t)), HttpStatusCode.BadRequest, "duplicate_role");
    }

    [SkippableFact]
    public async Task Publish_MalformedJson_Returns400MalformedMetadata()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("targets", "{\"signed\": "u8.ToArray())), HttpStatusCode.BadRequest, "malformed_metadata");
    }

    [SkippableFact]
    public async Task Publish_SameKeyIdTwiceInSignatures_Returns400MalformedMetadata()
    {
        // "The keyid MUST be unique in the signatures array": with a targets threshold of 2, [sig, sig] by one key
        // must not pass, and the file is refused outright, naming the key ID.
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        c.Targets.Version = 2;
        var doubled = TestCollection.Sign(c.Targets, c.TargetsKey, c.TargetsKey);

        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("targets", doubled)), HttpStatusCode.BadRequest, "malformed_metadata");
        using var response = await Publish(host, c, ("targets", doubled));
        var message = await ServedState.AssertErrorAsync(response, HttpStatusCode.BadRequest, "malformed_metadata");
        Assert.Contains(c.TargetsKey.KeyId, message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Publish_WrongTypeForFileName_Returns400MalformedMetadata()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        c.Root.Version = 2;
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("targets", c.SignedRoot())), HttpStatusCode.BadRequest, "malformed_metadata");
    }

    [SkippableFact]
    public async Task Publish_NewCollectionWithoutRoot_Returns400RootMissing()
    {
        using var host = StartHost();
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/new");
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("targets", c.SignedTargets())), HttpStatusCode.BadRequest, "root_missing");
    }

    [SkippableFact]
    public async Task Publish_NewCollectionWithoutTargets_Returns400TargetsMissing()
    {
        using var host = StartHost();
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/new");
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("root", c.SignedRoot())), HttpStatusCode.BadRequest, "targets_missing");
    }

    [SkippableFact]
    public async Task Publish_NewRootNotSelfSigned_Returns400Unsigned()
    {
        using var host = StartHost();
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/new");
        var root = TestCollection.Sign(c.Root, c.TargetsKey);
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("root", root), ("targets", c.SignedTargets())), HttpStatusCode.BadRequest, "unsigned");
    }

    [SkippableFact]
    public async Task Publish_RootNotNamingServerTimestampKey_Returns400ServerKeyNotInRoot()
    {
        using var host = StartHost();
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/new");
        using var own = SigningKey.GenerateEd25519();
        TestCollection.AddRole(c.Root, "timestamp", own.PublicKey);
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("root", c.SignedRoot()), ("targets", c.SignedTargets())), HttpStatusCode.BadRequest, "server_key_not_in_root");
    }

    [SkippableFact]
    public async Task Publish_RootVersionSkipped_Returns400RootVersionSkip()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        c.Root.Version = 3;
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("root", c.SignedRoot())), HttpStatusCode.BadRequest, "root_version_skip");
    }

    [SkippableFact]
    public async Task Publish_RootSameVersion_Returns409VersionNotIncreasing()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        c.Root.UnrecognizedFields["x-note"] = System.Text.Json.JsonDocument.Parse("\"changed\"").RootElement.Clone();
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("root", c.SignedRoot())), HttpStatusCode.Conflict, "version_not_increasing");
    }

    [SkippableFact]
    public async Task Publish_RootNotSignedByPreviousRoot_Returns400RootNotSignedByPrevious()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        using var newRootKey = SigningKey.GenerateEd25519();
        c.Root.Version = 2;
        c.Root.Keys.Remove(c.RootKey.KeyId);
        TestCollection.AddRole(c.Root, "root", newRootKey.PublicKey);
        var root = TestCollection.Sign(c.Root, newRootKey);
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("root", root)), HttpStatusCode.BadRequest, "root_not_signed_by_previous");
    }

    [SkippableFact]
    public async Task Publish_RootExpired_Returns400Expired()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        c.Root.Version = 2;
        c.Root.Expires = new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("root", c.SignedRoot())), HttpStatusCode.BadRequest, "expired");
    }

    [SkippableFact]
    public async Task Publish_RootRotatingTargetsKeyWithoutNewTargets_Returns400Unsigned()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        using var newTargetsKey = SigningKey.GenerateEd25519();
        c.Root.Version = 2;
        c.Root.Keys.Remove(c.TargetsKey.KeyId);
        TestCollection.AddRole(c.Root, "targets", newTargetsKey.PublicKey);
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("root", c.SignedRoot())), HttpStatusCode.BadRequest, "unsigned");
    }

    [SkippableFact]
    public async Task Publish_TargetsSignedByWrongKey_Returns400Unsigned()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        c.Targets.Version = 2;
        var targets = TestCollection.Sign(c.Targets, c.RootKey);
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("targets", targets)), HttpStatusCode.BadRequest, "unsigned");
    }

    [SkippableFact]
    public async Task Publish_TargetsTamperedAfterSigning_Returns400Unsigned()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        c.Targets.Version = 2;
        var text = Encoding.UTF8.GetString(c.SignedTargets()).Replace("\"a.txt\"", "\"b.txt\"", StringComparison.Ordinal);
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("targets", Encoding.UTF8.GetBytes(text))), HttpStatusCode.BadRequest, "unsigned");
    }

    [SkippableFact]
    public async Task Publish_TargetsSameVersion_Returns409VersionNotIncreasing()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        c.AddTarget("b.txt", "b");
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("targets", c.SignedTargets())), HttpStatusCode.Conflict, "version_not_increasing");
    }

    [SkippableFact]
    public async Task Publish_TargetsExpired_Returns400Expired()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        c.Targets.Version = 2;
        c.Targets.Expires = new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("targets", c.SignedTargets())), HttpStatusCode.BadRequest, "expired");
    }

    [SkippableTheory]
    [InlineData("../../../../tmp/x")]
    [InlineData("/tmp/x")]
    [InlineData("..\\x")]
    [InlineData("a//b")]
    [InlineData("./a")]
    [InlineData("a/..")]
    [InlineData("C:x")]
    [InlineData("a\u0000b")]
    [InlineData("a\nb")]
    [InlineData("")]
    public async Task Publish_TargetsListsUnsafePath_Returns400InvalidTargetPath(string path)
    {
        // Never written to disk by us, but other clients may join such a name to a folder without checking it.
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        c.Targets.Version = 2;
        c.Targets.TargetFiles[path] = c.Targets.TargetFiles["a.txt"];
        var before = await ServedState.CaptureAsync(host.Client, c.Gun);
        using var response = await Publish(host, c, ("targets", c.SignedTargets()));
        string body = await ServedState.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_target_path");
        Assert.Contains("role 'targets' lists target '", body, StringComparison.Ordinal);
        Assert.Equal(before, await ServedState.CaptureAsync(host.Client, c.Gun));
    }

    [SkippableFact]
    public async Task Publish_DelegatedRoleListsDotDotPath_Returns400InvalidTargetPath()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        c.Targets.Version = 2;
        c.Targets.Delegations = new Delegations
        {
            Keys = new Dictionary<string, Key> { [c.DelegateKey.KeyId] = c.DelegateKey.PublicKey },
            Roles = [new DelegatedRole { Name = "team", KeyIds = [c.DelegateKey.KeyId], Threshold = 1, Paths = ["*"] }],
        };
        var delegated = new Targets { Version = 1, Expires = TestCollection.Expires };
        delegated.TargetFiles["team/../../etc/passwd"] = c.Targets.TargetFiles["a.txt"];
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("targets", c.SignedTargets()), ("team", TestCollection.Sign(delegated, c.DelegateKey))),
            HttpStatusCode.BadRequest, "invalid_target_path");
    }

    [SkippableFact]
    public async Task Publish_DelegatedRoleNobodyDelegates_Returns400UnknownRole()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        var orphan = TestCollection.Sign(new Targets { Version = 1, Expires = TestCollection.Expires }, c.DelegateKey);
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("orphan", orphan)), HttpStatusCode.BadRequest, "unknown_role");
    }

    [SkippableFact]
    public async Task Publish_DelegatedRoleSignedByWrongKey_Returns400Unsigned()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        c.Targets.Version = 2;
        c.Targets.Delegations = new Delegations
        {
            Keys = new Dictionary<string, Key> { [c.DelegateKey.KeyId] = c.DelegateKey.PublicKey },
            Roles = [new DelegatedRole { Name = "team", KeyIds = [c.DelegateKey.KeyId], Threshold = 1, Paths = ["team/*"] }],
        };
        var delegated = TestCollection.Sign(new Targets { Version = 1, Expires = TestCollection.Expires }, c.TargetsKey);
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("targets", c.SignedTargets()), ("team", delegated)), HttpStatusCode.BadRequest, "unsigned");
    }

    [SkippableFact]
    public async Task Publish_ClientSnapshotMissing_Returns400SnapshotRequired()
    {
        var (host, c) = await StartPublishedAsync(serverSnapshot: false);
        using var _ = host;
        using var __ = c;
        c.Targets.Version = 2;
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("targets", c.SignedTargets())), HttpStatusCode.BadRequest, "snapshot_required");
    }

    [SkippableFact]
    public async Task Publish_ClientSnapshotWithWrongTargetsVersion_Returns400SnapshotInconsistent()
    {
        var (host, c) = await StartPublishedAsync(serverSnapshot: false);
        using var _ = host;
        using var __ = c;
        c.Targets.Version = 2;
        var snapshot = c.SignedSnapshot(2, new Dictionary<string, long> { ["targets"] = 1 });
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("targets", c.SignedTargets()), ("snapshot", snapshot)), HttpStatusCode.BadRequest, "snapshot_inconsistent");
    }

    [SkippableFact]
    public async Task Publish_ClientSnapshotListingUnknownRole_Returns400SnapshotInconsistent()
    {
        var (host, c) = await StartPublishedAsync(serverSnapshot: false);
        using var _ = host;
        using var __ = c;
        c.Targets.Version = 2;
        var snapshot = c.SignedSnapshot(2, new Dictionary<string, long> { ["targets"] = 2, ["ghost"] = 1 });
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("targets", c.SignedTargets()), ("snapshot", snapshot)), HttpStatusCode.BadRequest, "snapshot_inconsistent");
    }

    [SkippableFact]
    public async Task Publish_ClientSnapshotSignedByWrongKey_Returns400Unsigned()
    {
        var (host, c) = await StartPublishedAsync(serverSnapshot: false);
        using var _ = host;
        using var __ = c;
        c.Targets.Version = 2;
        var snapshot = TestCollection.Sign(new Snapshot { Version = 2, Expires = TestCollection.Expires, Meta = new Dictionary<string, MetaFile> { ["targets.json"] = new() { Version = 2 } } }, c.TargetsKey);
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("targets", c.SignedTargets()), ("snapshot", snapshot)), HttpStatusCode.BadRequest, "unsigned");
    }

    [SkippableFact]
    public async Task Publish_SnapshotUploadedToServerManagedCollection_Returns400SnapshotManagedByServer()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        c.Targets.Version = 2;
        var snapshot = c.SignedSnapshot(2, new Dictionary<string, long> { ["targets"] = 2 });
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("targets", c.SignedTargets()), ("snapshot", snapshot)), HttpStatusCode.BadRequest, "snapshot_managed_by_server");
    }

    [SkippableFact]
    public async Task Publish_HostedTargetBytesDoNotMatch_Returns400TargetMismatch()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        c.Targets.Version = 2;
        c.AddTarget("app.bin", "the real bytes");
        await AssertRejectedAsync(host, c.Gun,
            () => TestCollection.PublishAsync(host.Client, c.Gun, [("targets", c.SignedTargets())], [("app.bin", "other bytes!!!"u8.ToArray())]),
            HttpStatusCode.BadRequest, "target_mismatch");
    }

    [SkippableFact]
    public async Task Publish_HostedTargetNotListed_Returns400TargetNotInMetadata()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        await AssertRejectedAsync(host, c.Gun,
            () => TestCollection.PublishAsync(host.Client, c.Gun, [], [("unlisted.bin", "x"u8.ToArray())]),
            HttpStatusCode.BadRequest, "target_not_in_metadata");
    }

    [SkippableFact]
    public async Task Publish_UnknownRoleNameWithControlCharacter_Returns400UnknownRole()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("bad\u0001role", c.SignedTargets())), HttpStatusCode.BadRequest, "unknown_role");
    }

    [SkippableFact]
    public async Task Publish_WithoutToken_Returns401()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        c.Targets.Version = 2;
        await AssertRejectedAsync(host, c.Gun, () => TestCollection.PublishAsync(host.Client, c.Gun, [("targets", c.SignedTargets())], token: null), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertRejectedAsync(host, c.Gun, () => TestCollection.PublishAsync(host.Client, c.Gun, [("targets", c.SignedTargets())], token: "tuf_wrong"), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [SkippableFact]
    public async Task Publish_TokenScopedToOtherCollection_Returns403()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        var token = await CreateTokenAsync(host, "push:example.com/other*");
        c.Targets.Version = 2;
        await AssertRejectedAsync(host, c.Gun, () => TestCollection.PublishAsync(host.Client, c.Gun, [("targets", c.SignedTargets())], token: token), HttpStatusCode.Forbidden, "forbidden");

        var pullOnly = await CreateTokenAsync(host, "pull:*");
        await AssertRejectedAsync(host, c.Gun, () => TestCollection.PublishAsync(host.Client, c.Gun, [("targets", c.SignedTargets())], token: pullOnly), HttpStatusCode.Forbidden, "forbidden");

        var right = await CreateTokenAsync(host, "push:example.com/*");
        using var ok = await TestCollection.PublishAsync(host.Client, c.Gun, [("targets", c.SignedTargets())], token: right);
        await ServedState.AssertOkAsync(ok);
    }

    [SkippableFact]
    public async Task Publish_NotMultipart_Returns415()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        await AssertRejectedAsync(host, c.Gun, () => PostRawAsync(host, c.Gun, new StringContent("{}", Encoding.UTF8, "application/json")), HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [SkippableFact]
    public async Task Publish_MalformedMultipart_Returns400()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        var content = new ByteArrayContent("--xyz\r\nContent-Disposition: form-data; name=\"files\"; filename=\"targets.json\"\r\n\r\nno closing boundary"u8.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");
        await AssertRejectedAsync(host, c.Gun, () => PostRawAsync(host, c.Gun, content), HttpStatusCode.BadRequest, "malformed_multipart");

        var noBoundary = new ByteArrayContent("x"u8.ToArray());
        noBoundary.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data");
        await AssertRejectedAsync(host, c.Gun, () => PostRawAsync(host, c.Gun, noBoundary), HttpStatusCode.BadRequest, "malformed_multipart");
    }

    [SkippableFact]
    public async Task Publish_UnknownPartName_Returns400MalformedMultipart()
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        var content = new MultipartFormDataContent { { new ByteArrayContent(c.SignedTargets()), "surprise", "targets.json" } };
        await AssertRejectedAsync(host, c.Gun, () => PostRawAsync(host, c.Gun, content), HttpStatusCode.BadRequest, "malformed_multipart");
    }

    [SkippableFact]
    public async Task Publish_OversizedBody_Returns413()
    {
        using var host = StartHost(settings: new Dictionary<string, string?> { ["Server:MaxRequestBodyBytes"] = "65536", ["Server:MaxMetadataBytes"] = "16384" });
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/small");
        await ServedState.AssertOkAsync(await c.PublishInitialAsync(host.Client));

        // One metadata part over the per-file limit.
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("targets", new byte[20_000])), HttpStatusCode.RequestEntityTooLarge, "body_too_large");

        // A body over the request limit with a declared length: refused before the body is sent (Expect: 100-continue).
        await AssertRejectedAsync(host, c.Gun, () => PostLargeAsync(host, c.Gun, chunked: false), HttpStatusCode.RequestEntityTooLarge, "body_too_large");

        // A chunked body (no declared length) over the limit: the server stops reading at the limit and answers 413;
        // a client still sending may instead see the connection closed. Either way nothing changes.
        var before = await ServedState.CaptureAsync(host.Client, c.Gun);
        try
        {
            using var response = await PostLargeAsync(host, c.Gun, chunked: true);
            await ServedState.AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "body_too_large");
        }
        catch (HttpRequestException e) when (e.InnerException is IOException)
        {
            Output.WriteLine("chunked upload cut off by the server: " + e.InnerException.Message);
        }

        Assert.Equal(before, await ServedState.CaptureAsync(host.Client, c.Gun));
    }

    [SkippableFact]
    public async Task Publish_MetadataPartsOverOneInMemoryPiece_AreReadWholeAndLimited()
    {
        // Parts over 64 KiB are spooled to a temporary file and read back: the limit still applies, and what the
        // validator sees is exactly what was sent.
        using var host = StartHost(settings: new Dictionary<string, string?> { ["Server:MaxRequestBodyBytes"] = "4194304", ["Server:MaxMetadataBytes"] = "300000" });
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/spooled");
        await ServedState.AssertOkAsync(await c.PublishInitialAsync(host.Client));

        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("targets", new byte[300_001])), HttpStatusCode.RequestEntityTooLarge, "body_too_large");
        await AssertRejectedAsync(host, c.Gun, () => Publish(host, c, ("targets", new byte[300_000])), HttpStatusCode.BadRequest, "malformed_metadata");

        for (int i = 0; i < 1500; i++)
        {
            c.AddTarget($"files/{i}.txt", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        c.Targets.Version++;
        byte[] targets = c.SignedTargets();
        Assert.InRange(targets.Length, 64 * 1024 + 1, 300_000);
        await ServedState.AssertOkAsync(await Publish(host, c, ("targets", targets)));
        using var served = await host.Client.GetAsync($"{c.Gun}/metadata/targets.json");
        Assert.Equal(targets, await served.Content.ReadAsByteArrayAsync());
    }

    private static async Task<HttpResponseMessage> PostLargeAsync(ServerHost host, string gun, bool chunked)
    {
        var content = new MultipartFormDataContent { { new StreamContent(new MemoryStream(new byte[200_000])), "target", "big.bin" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v2/{gun}/_trust/tuf/") { Content = content };
        if (chunked)
        {
            request.Headers.TransferEncodingChunked = true;
        }
        else
        {
            await content.LoadIntoBufferAsync();
            request.Headers.ExpectContinue = true;
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServerHost.AdminToken);
        return await host.Client.SendAsync(request);
    }

    [SkippableTheory]
    [InlineData("v2/a/..%2Fb/_trust/tuf/")]
    [InlineData("v2/a//b/_trust/tuf/")]
    [InlineData("v2/a%01b/_trust/tuf/")]
    [InlineData("v2/a/metadata/b/_trust/tuf/")]
    [InlineData("v2/a%20b/_trust/tuf/")]
    public async Task Publish_MalformedGun_Returns400InvalidGun(string path)
    {
        using var host = StartHost();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new MultipartFormDataContent() };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServerHost.AdminToken);
        using var response = await host.Client.SendAsync(request);
        await ServedState.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_gun");
    }

    [SkippableFact]
    public async Task Get_GunOver255Bytes_Returns400InvalidGun()
    {
        using var host = StartHost();
        using var response = await host.Client.GetAsync(new string('a', 256) + "/metadata/timestamp.json");
        await ServedState.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_gun");
    }

    [SkippableTheory]
    [InlineData("example.com/app/metadata/nope.json")]
    [InlineData("example.com/app/metadata/7.targets.json")]
    [InlineData("example.com/app/metadata/timestamp.txt")]
    [InlineData("example.com/app/targets/nothing-here.bin")]
    [InlineData("v2/example.com/app/_trust/tuf/root.key")]
    [InlineData("v2/example.com/app/_trust/unknown")]
    [InlineData("nothing")]
    public async Task Get_UnknownResource_Returns404Json(string path)
    {
        var (host, c) = await StartPublishedAsync();
        using var _ = host;
        using var __ = c;
        using var response = await host.Client.GetAsync(path);
        await ServedState.AssertErrorAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    private static async Task<HttpResponseMessage> PostRawAsync(ServerHost host, string gun, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v2/{gun}/_trust/tuf/") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServerHost.AdminToken);
        return await host.Client.SendAsync(request);
    }

    internal static async Task<string> CreateTokenAsync(ServerHost host, string scopes)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "_admin/tokens")
        {
            Content = new StringContent($"{{\"name\":\"t\",\"scopes\":\"{scopes}\"}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServerHost.AdminToken);
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var doc = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("token").GetString()!;
    }
}

public sealed class PublishValidationTestsOnSqlite(ITestOutputHelper output) : PublishValidationTests(output)
{
    protected override bool UsePostgres => false;
}

public sealed class PublishValidationTestsOnPostgres(ITestOutputHelper output) : PublishValidationTests(output)
{
    protected override bool UsePostgres => true;
}
