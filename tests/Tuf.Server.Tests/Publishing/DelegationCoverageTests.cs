using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tuf.Client;
using Tuf.Server.Tests.TestKit;
using Xunit.Abstractions;

namespace Tuf.Server.Tests.Publishing;

/// <summary>
/// A delegated role may only list targets that a client searching for them would look for in that role: every
/// delegation on some chain from top-level targets down to the role must cover the path (TUF 5.6.7.2, TAP 15).
/// Anything else is refused whole, with the role, the first offending path and the delegator named.
/// </summary>
public abstract class DelegationCoverageTests(ITestOutputHelper output) : ServerTestBase(output)
{
    private const string Code = "target_outside_delegation";

    [SkippableFact]
    public async Task Publish_NamedRoleListsTargetOutsideItsPaths_Returns400TargetOutsideDelegation()
    {
        using var host = StartHost();
        using var c = await PublishedAsync(host, "example.com/named");
        c.Targets.Version = 2;
        c.Targets.Delegations = DelegationsTo(c, PathRole(c, "team", "team/*"));
        var team = SignedTargets(c, "team/ok.txt", "other/b.txt", "team/nested/deep.txt");

        var message = await AssertRefusedAsync(host, c.Gun, [("targets", c.SignedTargets()), ("team", team)]);

        // Paths are checked in ordinal order; a '*' never matches '/', so 'team/nested/deep.txt' is outside too.
        Assert.Equal("role 'team' lists target 'other/b.txt' which its delegation from 'targets' does not cover.", message);
        await AssertNotServedAsync(host, c.Gun, "1.team.json");
    }

    [SkippableFact]
    public async Task Publish_HashPrefixRoleWithStoredDelegatorListsTargetOutsideItsPrefixes_Returns400TargetOutsideDelegation()
    {
        using var host = StartHost();
        using var c = await PublishedAsync(host, "example.com/hashed");
        var inside = "pkg/in.txt";
        var prefix = Sha256Hex(inside)[..2];
        var outside = Enumerable.Range(0, 100).Select(i => $"pkg/out-{i}.txt").First(p => !Sha256Hex(p).StartsWith(prefix, StringComparison.Ordinal));

        // The delegator is published first; the later upload holds only the delegated role.
        c.Targets.Version = 2;
        c.Targets.Delegations = DelegationsTo(c, HashPrefixRole(c, "hashed", prefix));
        await ServedState.AssertOkAsync(await TestCollection.PublishAsync(host.Client, c.Gun, [("targets", c.SignedTargets()), ("hashed", SignedTargets(c, inside))]));

        var message = await AssertRefusedAsync(host, c.Gun, [("hashed", SignedTargets(c, 2, inside, outside))]);

        Assert.Equal($"role 'hashed' lists target '{outside}' which its delegation from 'targets' does not cover.", message);
        await AssertNotServedAsync(host, c.Gun, "2.hashed.json");
    }

    [SkippableFact]
    public async Task Publish_HashBinListsTargetOfAnotherBin_Returns400TargetOutsideDelegation()
    {
        using var host = StartHost();
        using var c = await PublishedAsync(host, "example.com/bins");
        var bins = new SuccinctRoles { NamePrefix = "bins", BitLength = 3, KeyIds = [c.DelegateKey.KeyId], Threshold = 1 };
        c.Targets.Version = 2;
        c.Targets.Delegations = new Delegations { Keys = DelegateKeys(c), SuccinctRoles = bins };
        var right = bins.GetRoleForTarget("a/b.txt");
        var wrong = bins.GetRoles().First(r => r != right);

        var message = await AssertRefusedAsync(host, c.Gun, [("targets", c.SignedTargets()), (right, SignedTargets(c)), (wrong, SignedTargets(c, "a/b.txt"))]);

        Assert.Equal($"role '{wrong}' lists target 'a/b.txt' which its delegation from 'targets' does not cover.", message);
        await AssertNotServedAsync(host, c.Gun, $"1.{right}.json");
    }

    [SkippableFact]
    public async Task Publish_NestedRoleTargetCoveredByItsDelegationButNotByItsDelegatorsDelegation_Returns400TargetOutsideDelegation()
    {
        using var host = StartHost();
        using var c = await PublishedAsync(host, "example.com/nested");
        c.Targets.Version = 2;
        c.Targets.Delegations = DelegationsTo(c, PathRole(c, "a", "a/*"));
        var a = DelegatedTargets(1);
        a.Delegations = DelegationsTo(c, PathRole(c, "b", "*/*"));

        // 'b' may list 'c/x.txt' as far as 'a' is concerned, but a client only reaches 'a' for paths under 'a/'.
        var message = await AssertRefusedAsync(host, c.Gun,
            [("targets", c.SignedTargets()), ("a", TestCollection.Sign(a, c.DelegateKey)), ("b", SignedTargets(c, "a/x.txt", "c/x.txt"))]);

        Assert.StartsWith("role 'b' lists target 'c/x.txt' which its delegation from 'a' covers, but a client's search for it never reaches 'b'", message, StringComparison.Ordinal);
        await AssertNotServedAsync(host, c.Gun, "1.a.json");
    }

    [SkippableFact]
    public async Task Publish_NestedRoleUnderStoredDelegatorsOutsideChain_Returns400TargetOutsideDelegation()
    {
        using var host = StartHost();
        using var c = await PublishedAsync(host, "example.com/nested-stored");
        c.Targets.Version = 2;
        c.Targets.Delegations = DelegationsTo(c, PathRole(c, "a", "a/*"));
        var a = DelegatedTargets(1);
        a.Delegations = DelegationsTo(c, PathRole(c, "b", "*/*"));
        await ServedState.AssertOkAsync(await TestCollection.PublishAsync(host.Client, c.Gun, [("targets", c.SignedTargets()), ("a", TestCollection.Sign(a, c.DelegateKey))]));

        await ServedState.AssertOkAsync(await TestCollection.PublishAsync(host.Client, c.Gun, [("b", SignedTargets(c, "a/x.txt"))]));
        var message = await AssertRefusedAsync(host, c.Gun, [("b", SignedTargets(c, 2, "a/x.txt", "z/x.txt"))]);

        Assert.StartsWith("role 'b' lists target 'z/x.txt' which its delegation from 'a' covers, but a client's search for it never reaches 'b'", message, StringComparison.Ordinal);
        await AssertNotServedAsync(host, c.Gun, "2.b.json");
    }

    [SkippableFact]
    public async Task Publish_DelegatedRolesListingOnlyCoveredTargets_AcceptedAndEveryTargetResolvesInClient()
    {
        using var host = StartHost();
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/covered");
        var key = c.DelegateKey.KeyId;
        var hashedPath = "h/file.txt";
        var bins = new SuccinctRoles { NamePrefix = "bins", BitLength = 2, KeyIds = [key], Threshold = 1 };

        // targets -> team (team/*), hashed (hash prefix), shared (s/*), parent (n/*)
        // team -> shared (*/*): 'shared' is reachable by two chains and may list targets covered by either.
        // parent -> bins-0..3 (succinct): a bin lists only the paths that hash to it, under n/.
        c.Targets.Delegations = DelegationsTo(c,
            PathRole(c, "team", "team/*"),
            HashPrefixRole(c, "hashed", Sha256Hex(hashedPath)[..3]),
            PathRole(c, "shared", "s/*"),
            PathRole(c, "parent", "n/*"));
        var team = DelegatedTargets(1, "team/t.txt");
        team.Delegations = DelegationsTo(c, PathRole(c, "shared", "*/*"));
        var parent = DelegatedTargets(1);
        parent.Delegations = new Delegations { Keys = DelegateKeys(c), SuccinctRoles = bins };
        var binPath = "n/in-a-bin.txt";
        var bin = bins.GetRoleForTarget(binPath);
        var root = c.SignedRoot();

        using var response = await TestCollection.PublishAsync(host.Client, c.Gun,
        [
            ("root", root), ("targets", c.SignedTargets()),
            ("team", TestCollection.Sign(team, c.DelegateKey)),
            ("hashed", SignedTargets(c, hashedPath)),
            ("shared", SignedTargets(c, "s/one.txt", "team/two.txt")),
            ("parent", TestCollection.Sign(parent, c.DelegateKey)),
            (bin, SignedTargets(c, binPath)),
        ]);
        await ServedState.AssertOkAsync(response);

        // Our client agrees: it finds every one of those targets by walking the delegations.
        var work = TestDirs.New("tuf-coverage-it-").FullName;
        using var updater = new Updater(Path.Combine(work, "metadata"), new Uri(host.BaseAddress, c.Gun + "/metadata/"),
            Path.Combine(work, "targets"), new Uri(host.BaseAddress, c.Gun + "/targets/"), bootstrapRoot: root);
        await updater.RefreshAsync(CancellationToken.None);
        foreach (var path in new[] { "team/t.txt", hashedPath, "s/one.txt", "team/two.txt", binPath })
        {
            Assert.True(await updater.GetTargetInfoAsync(path, CancellationToken.None) is not null, $"client does not find '{path}'");
        }
    }

    [SkippableFact]
    public async Task Publish_TargetBehindATerminatingDelegation_Returns400TargetOutsideDelegation()
    {
        // targets delegates '*' to 'first' (terminating) and then to 'second': a client looking for 'x.txt' stops
        // after 'first', so 'second' can never serve it.
        using var host = StartHost();
        using var c = await PublishedAsync(host, "example.com/terminating");
        var first = PathRole(c, "first", "*");
        first.Terminating = true;
        c.Targets.Version = 2;
        c.Targets.Delegations = DelegationsTo(c, first, PathRole(c, "second", "*"));

        var message = await AssertRefusedAsync(host, c.Gun, [("targets", c.SignedTargets()), ("first", SignedTargets(c)), ("second", SignedTargets(c, "x.txt"))]);

        Assert.StartsWith("role 'second' lists target 'x.txt' which its delegation from 'targets' covers, but a client's search for it never reaches 'second'", message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Publish_DiamondRoleSignedOnlyForOneDelegator_Returns400Unsigned()
    {
        // targets -> a (a/*) -> r and targets -> b (b/*) -> r, where a and b name different keys for r. A client
        // looking up b/x reaches r through b and verifies it with b's key: r signed only with a's key is refused.
        using var host = StartHost();
        using var c = await PublishedAsync(host, "example.com/diamond");
        using var keyOfB = SigningKey.GenerateEd25519();
        var (a, b) = Diamond(c, keyOfB);
        var r = TestCollection.Sign(DelegatedTargets(1, "a/x", "b/x"), c.DelegateKey);
        var before = await ServedState.CaptureAsync(host.Client, c.Gun);

        using var response = await TestCollection.PublishAsync(host.Client, c.Gun,
            [("targets", c.SignedTargets()), ("a", TestCollection.Sign(a, c.DelegateKey)), ("b", TestCollection.Sign(b, c.DelegateKey)), ("r", r)]);

        var message = await ServedState.AssertErrorAsync(response, HttpStatusCode.BadRequest, "unsigned");
        Assert.Contains("r.json is not signed by a threshold of the keys 'b' names for it", message, StringComparison.Ordinal);
        Assert.Equal(before, await ServedState.CaptureAsync(host.Client, c.Gun));
    }

    [SkippableFact]
    public async Task Publish_DiamondRoleSignedForBothDelegators_AcceptedAndClientFindsBothPaths()
    {
        using var host = StartHost();
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/diamond-ok");
        using var keyOfB = SigningKey.GenerateEd25519();
        var (a, b) = Diamond(c, keyOfB);
        var root = c.SignedRoot();

        using var response = await TestCollection.PublishAsync(host.Client, c.Gun,
        [
            ("root", root), ("targets", c.SignedTargets()),
            ("a", TestCollection.Sign(a, c.DelegateKey)), ("b", TestCollection.Sign(b, c.DelegateKey)),
            ("r", TestCollection.Sign(DelegatedTargets(1, "a/x", "b/x"), c.DelegateKey, keyOfB)),
        ]);
        await ServedState.AssertOkAsync(response);

        var work = TestDirs.New("tuf-diamond-it-").FullName;
        using var updater = new Updater(Path.Combine(work, "metadata"), new Uri(host.BaseAddress, c.Gun + "/metadata/"),
            Path.Combine(work, "targets"), new Uri(host.BaseAddress, c.Gun + "/targets/"), bootstrapRoot: root);
        Assert.NotNull(await updater.GetTargetInfoAsync("a/x", CancellationToken.None));
        Assert.NotNull(await updater.GetTargetInfoAsync("b/x", CancellationToken.None));
    }

    [SkippableFact]
    public async Task Publish_DelegatorChangesKeysOfAStoredRole_Returns400UnsignedUntilTheRoleIsReSigned()
    {
        using var host = StartHost();
        using var c = await PublishedAsync(host, "example.com/rekeyed");
        c.Targets.Version = 2;
        c.Targets.Delegations = DelegationsTo(c, PathRole(c, "team", "team/*"));
        await ServedState.AssertOkAsync(await TestCollection.PublishAsync(host.Client, c.Gun, [("targets", c.SignedTargets()), ("team", SignedTargets(c, "team/a"))]));

        // targets v3 names a new key for 'team'; the stored team.json is signed with the old one.
        using var newKey = SigningKey.GenerateEd25519();
        c.Targets.Version = 3;
        c.Targets.Delegations = new Delegations
        {
            Keys = new Dictionary<string, Key> { [newKey.KeyId] = newKey.PublicKey },
            Roles = [new DelegatedRole { Name = "team", KeyIds = [newKey.KeyId], Threshold = 1, Paths = ["team/*"] }],
        };
        var before = await ServedState.CaptureAsync(host.Client, c.Gun);
        using (var refused = await TestCollection.PublishAsync(host.Client, c.Gun, [("targets", c.SignedTargets())]))
        {
            var message = await ServedState.AssertErrorAsync(refused, HttpStatusCode.BadRequest, "unsigned");
            Assert.Equal("The current team.json is not signed by a threshold of the keys the new 'targets' names for it; upload team.json re-signed with them.", message);
        }

        Assert.Equal(before, await ServedState.CaptureAsync(host.Client, c.Gun));
        await ServedState.AssertOkAsync(await TestCollection.PublishAsync(host.Client, c.Gun,
            [("targets", c.SignedTargets()), ("team", TestCollection.Sign(DelegatedTargets(2, "team/a"), newKey))]));
    }

    /// <summary>targets -> a (a/*) and b (b/*); a and b each delegate a/* and b/* to 'r', a with the delegate key, b with <paramref name="keyOfB"/>.</summary>
    private static (Targets A, Targets B) Diamond(TestCollection c, SigningKey keyOfB)
    {
        c.Targets.Version++;
        c.Targets.Delegations = DelegationsTo(c, PathRole(c, "a", "a/*"), PathRole(c, "b", "b/*"));
        var a = DelegatedTargets(1);
        a.Delegations = DelegationsTo(c, new DelegatedRole { Name = "r", KeyIds = [c.DelegateKey.KeyId], Threshold = 1, Paths = ["a/*", "b/*"] });
        var b = DelegatedTargets(1);
        b.Delegations = new Delegations
        {
            Keys = new Dictionary<string, Key> { [keyOfB.KeyId] = keyOfB.PublicKey },
            Roles = [new DelegatedRole { Name = "r", KeyIds = [keyOfB.KeyId], Threshold = 1, Paths = ["a/*", "b/*"] }],
        };
        return (a, b);
    }

    private static async Task<TestCollection> PublishedAsync(ServerHost host, string gun)
    {
        var c = await TestCollection.CreateAsync(host.Client, gun);
        await ServedState.AssertOkAsync(await c.PublishInitialAsync(host.Client));
        return c;
    }

    /// <summary>Asserts a 400 <c>target_outside_delegation</c> with nothing changed, and returns the message.</summary>
    private static async Task<string> AssertRefusedAsync(ServerHost host, string gun, IEnumerable<(string Role, byte[] Data)> files)
    {
        var before = await ServedState.CaptureAsync(host.Client, gun);
        using var response = await TestCollection.PublishAsync(host.Client, gun, files);
        await ServedState.AssertErrorAsync(response, HttpStatusCode.BadRequest, Code);
        Assert.Equal(before, await ServedState.CaptureAsync(host.Client, gun));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("message").GetString()!;
    }

    private static async Task AssertNotServedAsync(ServerHost host, string gun, string file)
    {
        using var response = await host.Client.GetAsync($"{gun}/metadata/{file}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static Dictionary<string, Key> DelegateKeys(TestCollection c) => new() { [c.DelegateKey.KeyId] = c.DelegateKey.PublicKey };

    private static Delegations DelegationsTo(TestCollection c, params DelegatedRole[] roles) => new() { Keys = DelegateKeys(c), Roles = roles };

    /// <summary>A role delegated <paramref name="pattern"/> to the collection's delegate key, threshold 1.</summary>
    private static DelegatedRole PathRole(TestCollection c, string name, string pattern) =>
        new() { Name = name, KeyIds = [c.DelegateKey.KeyId], Threshold = 1, Paths = [pattern] };

    /// <summary>A role delegated the paths whose SHA-256 starts with <paramref name="prefix"/>, to the delegate key, threshold 1.</summary>
    private static DelegatedRole HashPrefixRole(TestCollection c, string name, string prefix) =>
        new() { Name = name, KeyIds = [c.DelegateKey.KeyId], Threshold = 1, PathHashPrefixes = [prefix] };

    private static Targets DelegatedTargets(long version, params string[] paths)
    {
        var targets = new Targets { Version = version, Expires = TestCollection.Expires };
        foreach (var path in paths)
        {
            targets.TargetFiles[path] = new TargetFile
            {
                Path = path,
                Length = path.Length,
                Hashes = new Dictionary<string, string> { ["sha256"] = Sha256Hex(path) },
            };
        }

        return targets;
    }

    private static byte[] SignedTargets(TestCollection c, params string[] paths) => SignedTargets(c, 1, paths);

    private static byte[] SignedTargets(TestCollection c, long version, params string[] paths) => TestCollection.Sign(DelegatedTargets(version, paths), c.DelegateKey);

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

public sealed class DelegationCoverageTestsOnSqlite(ITestOutputHelper output) : DelegationCoverageTests(output)
{
    protected override bool UsePostgres => false;
}

public sealed class DelegationCoverageTestsOnPostgres(ITestOutputHelper output) : DelegationCoverageTests(output)
{
    protected override bool UsePostgres => true;
}
