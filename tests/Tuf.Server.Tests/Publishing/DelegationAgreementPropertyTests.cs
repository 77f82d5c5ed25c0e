using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;
using Tuf.Client;
using Tuf.Server.Publishing;
using Tuf.Signing;
using Tuf.Server.Tests.TestKit;
using Tuf.Testing;

namespace Tuf.Server.Tests.Publishing;

/// <summary>
/// On random delegation graphs (chains, diamonds, cycles, terminating delegations, hash prefixes, TAP 15 bins, roles
/// signed by random subsets of keys), the three sides judge a repository alike: the client's search, the server's
/// publish validation and the editor's "who may sign this" and "may this role list that path".
/// </summary>
public sealed class DelegationAgreementPropertyTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] PathPatterns = ["*", "a/*", "b/*", "a/x", "*/x", "?/y"];
    private static readonly string[] TargetPaths = ["a/x", "b/x", "a/y", "c/x"];
    private readonly string _work = TestDirs.New("tuf-agreement-").FullName;
    private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);
    private int _case;

    /// <summary>How many graphs each test judges.</summary>
    private const int Cases = 150;

    [Property(MaxTest = Cases)]
    public Property ClientServerAndEditor_RandomDelegationGraphs_Agree() =>
        Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            CheckScenario(seed);
            return true;
        });

    [Fact]
    public void ClientServerAndEditor_FixedSeedDelegationGraphs_AgreeAndCoverEveryVerdict()
    {
        // The same judgement on a fixed set of graphs, which also shows the property is not vacuous: the generated
        // graphs cover every verdict (a fixed set, so the coverage cannot come and go from one run to the next).
        for (int seed = 0; seed < Cases; seed++)
        {
            CheckScenario(seed);
        }

        foreach (var verdict in new[] { "server:accepted", "server:unsigned", "server:target_outside_delegation", "client:Found", "client:NotFound", "client:Failed", "diamond", "bins" })
        {
            Assert.True(_seen.GetValueOrDefault(verdict) > 0, $"no case with {verdict}: {string.Join(", ", _seen.Select(kv => $"{kv.Key}={kv.Value}"))}");
        }
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private void Count(string verdict) => _seen[verdict] = _seen.GetValueOrDefault(verdict) + 1;

    private void CheckScenario(int seed)
    {
        var rng = new Random(seed);
        var (sim, listing, path) = Generate(rng);
        string dir = Path.Combine(_work, (++_case).ToString(System.Globalization.CultureInfo.InvariantCulture));
        string context = $"seed {seed}: {Describe(sim)}; '{listing}' lists '{path}'";

        var client = ClientOutcome(sim, dir, path);
        var server = ServerOutcome(sim);
        var (reach, allSigned) = EditorOutcome(sim, dir, listing, path);
        Count("server:" + (server ?? "accepted"));
        Count("client:" + client.GetType().Name);
        if (sim.AllTargets().SelectMany(t => t.Targets.Delegations?.Roles ?? []).GroupBy(r => r.Name).Any(g => g.Count() > 1))
        {
            Count("diamond");
        }

        if (sim.AllTargets().Any(t => t.Targets.Delegations?.SuccinctRoles is not null))
        {
            Count("bins");
        }

        // The server accepts exactly when every role satisfies every delegation to it and a client's search for the
        // path reaches the role that lists it; otherwise it says which of the two failed.
        Assert.True((server is null) == (allSigned && reach), $"{context}: server {server ?? "accepted"}, editor reach={reach} signed={allSigned}");
        if (allSigned && !reach)
        {
            Assert.True(server == "target_outside_delegation", $"{context}: server {server}");
        }

        if (!allSigned && reach)
        {
            Assert.True(server == "unsigned", $"{context}: server {server}");
        }

        // The client finds the target only where the editor and the server say a search reaches it, and always
        // finds it in a repository the server accepts; with every role properly signed it never fails.
        if (client is Found)
        {
            Assert.True(reach, $"{context}: client found it, editor says no search reaches '{listing}'");
        }

        if (allSigned)
        {
            Assert.True(client is not Failed, $"{context}: client failed: {(client as Failed)?.Error}");
            Assert.True((client is Found) == reach, $"{context}: client {client}, editor reach={reach}");
        }

        if (server is null)
        {
            Assert.True(client is Found, $"{context}: server accepted, client {client}");
        }
    }

    /// <summary>A random repository: roles r0..rN, each reached from targets or an earlier role, plus random extra
    /// delegations (diamonds, cycles), sometimes TAP 15 bins; exactly one role lists the one target path.</summary>
    private static (RepositorySimulator Sim, string Listing, string Path) Generate(Random rng)
    {
        var sim = new RepositorySimulator(Now);
        var pool = Enumerable.Range(0, 3).Select(_ => sim.NewKey()).ToArray();
        int n = rng.Next(1, 6);
        var roles = Enumerable.Range(0, n).Select(i => "r" + i).ToList();
        var delegators = new List<string> { "targets" };
        foreach (var role in roles)
        {
            sim.Delegated[role] = new Targets { Expires = sim.SafeExpiry };
            Delegate(sim, rng, delegators[rng.Next(delegators.Count)], role, pool);
            delegators.Add(role);
        }

        for (int extra = rng.Next(0, 4); extra > 0; extra--)
        {
            Delegate(sim, rng, delegators[rng.Next(delegators.Count)], roles[rng.Next(roles.Count)], pool);
        }

        foreach (var role in roles)
        {
            // Each role signed by a random non-empty subset of the key pool (which may miss a delegator's key).
            var signers = pool.Where(_ => rng.Next(3) > 0).ToList();
            sim.Signers[role] = signers.Count > 0 ? signers : [pool[rng.Next(pool.Length)]];
        }

        var listable = new List<string>(roles);
        var leaves = roles.Where(r => sim.Delegated[r].Delegations?.Roles is not { Count: > 0 }).ToList();
        if (leaves.Count > 0 && rng.Next(4) == 0)
        {
            // A role that delegates nothing by name hands its namespace to two TAP 15 bins, signed by the bins' key
            // or, now and then, by a key of the pool instead.
            string binner = leaves[rng.Next(leaves.Count)];
            sim.Delegated[binner].Delegations = null;
            var bins = sim.AddSuccinctRoles(binner, 1, "bin" + binner);
            foreach (var bin in bins.GetRoles())
            {
                if (rng.Next(4) == 0)
                {
                    sim.Signers[bin] = [pool[rng.Next(pool.Length)]];
                }

                listable.Add(bin);
            }
        }

        string listing = listable[rng.Next(listable.Count)];
        string path = TargetPaths[rng.Next(TargetPaths.Length)];
        sim.AddTarget(listing, [1, 2, 3], path);
        sim.UpdateSnapshot();
        return (sim, listing, path);
    }

    private static void Delegate(RepositorySimulator sim, Random rng, string from, string to, TestKey[] pool)
    {
        var parent = sim.TargetsOf(from);
        parent.Delegations ??= new Delegations { Roles = [] };
        if (parent.Delegations.Roles is null || parent.Delegations.Roles.Any(r => r.Name == to))
        {
            return; // bins, or a role named once per delegator
        }

        var key = pool[rng.Next(pool.Length)];
        var role = new DelegatedRole { Name = to, Threshold = 1, KeyIds = [key.KeyId], Terminating = rng.Next(5) == 0 };
        if (rng.Next(5) == 0)
        {
            // The first hex digit of one of the paths' SHA-256: a prefix that matches it (and maybe others).
            var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(TargetPaths[rng.Next(TargetPaths.Length)]));
            role.PathHashPrefixes = [Convert.ToHexStringLower(hash)[..1]];
        }
        else
        {
            role.Paths = [PathPatterns[rng.Next(PathPatterns.Length)]];
        }

        parent.Delegations.Keys[key.KeyId] = key.PublicKey;
        parent.Delegations.Roles.Add(role);
    }

    private abstract record ClientResult;

    private sealed record Found : ClientResult;

    private sealed record NotFound : ClientResult;

    private sealed record Failed(string Error) : ClientResult;

    private static ClientResult ClientOutcome(RepositorySimulator sim, string dir, string path)
    {
        var metadata = Path.Combine(dir, "client");
        Directory.CreateDirectory(metadata);
        File.WriteAllBytes(Path.Combine(metadata, "root.json"), sim.SignedRoots[0]);
        var options = new UpdaterOptions { TimeProvider = new FakeTimeProvider(Now) };
        using var updater = new Updater(metadata, RepositorySimulator.MetadataBaseUrl, Path.Combine(dir, "targets"), RepositorySimulator.TargetsBaseUrl, null, sim, options);
        try
        {
            return updater.GetTargetInfoAsync(path, CancellationToken.None).GetAwaiter().GetResult() is null ? new NotFound() : new Found();
        }
        catch (RepositoryException e)
        {
            return new Failed(e.Message);
        }
    }

    /// <summary>The server's verdict on publishing the whole repository as a new collection: null when accepted, else the error code.</summary>
    private static string? ServerOutcome(RepositorySimulator sim)
    {
        var files = new List<UploadedFile> { new("root", sim.SignedRoots[^1]) };
        foreach (var (name, _) in sim.AllTargets())
        {
            files.Add(new UploadedFile(name, sim.SignedBytesOf(name)));
        }

        var context = new PublishContext
        {
            Gun = "example.com/agreement",
            State = null,
            Now = Now,
            LoadCurrentAsync = (_, _) => Task.FromResult<byte[]?>(null),
            ServerTimestampKeyIds = sim.Root.Roles["timestamp"].KeyIds.ToHashSet(),
            ServerSnapshotKeyIds = sim.Root.Roles["snapshot"].KeyIds.ToHashSet(),
        };
        try
        {
            PublishValidator.ValidateAsync(context, files, [], CancellationToken.None).GetAwaiter().GetResult();
            return null;
        }
        catch (ApiException e)
        {
            return e.Code;
        }
    }

    /// <summary>The editor on the same repository, published as a static folder: does a search for the path reach
    /// the listing role, and does every role satisfy every authority the editor asks of it.</summary>
    private static (bool Reach, bool AllSigned) EditorOutcome(RepositorySimulator sim, string dir, string listing, string path)
    {
        var repo = Path.Combine(dir, "repo");
        var metadata = Path.Combine(repo, "metadata");
        Directory.CreateDirectory(metadata);
        File.WriteAllBytes(Path.Combine(metadata, "root.json"), sim.SignedRoots[^1]);
        File.WriteAllBytes(Path.Combine(metadata, $"{sim.Root.Version}.root.json"), sim.SignedRoots[^1]);
        File.WriteAllBytes(Path.Combine(metadata, "timestamp.json"), sim.SignedBytesOf("timestamp"));
        File.WriteAllBytes(Path.Combine(metadata, $"{sim.Snapshot.Version}.snapshot.json"), sim.SignedBytesOf("snapshot"));
        foreach (var (name, targets) in sim.AllTargets())
        {
            File.WriteAllBytes(Path.Combine(metadata, $"{targets.Version}.{name}.json"), sim.SignedBytesOf(name));
        }

        var editor = RepositoryEditor.Open(repo, new FakeTimeProvider(Now));
        bool reach = editor.IsDelegatedTo(listing, path);
        bool allSigned = sim.AllTargets().Where(t => t.Role != "targets")
            .All(t => editor.CountSignatures(t.Role).All(c => c.Valid >= c.Authority.Role.Threshold));
        return (reach, allSigned);
    }

    private static string Describe(RepositorySimulator sim) => string.Join(", ", sim.AllTargets().SelectMany(t =>
        (t.Targets.Delegations?.Roles ?? []).Select(r => $"{t.Role}->{r.Name}[{string.Join('|', r.Paths ?? r.PathHashPrefixes ?? [])}{(r.Terminating ? ",term" : "")},{r.KeyIds[0][..4]}]")
        .Concat(t.Targets.Delegations?.SuccinctRoles is { } b ? [$"{t.Role}->bins({b.NamePrefix})"] : [])))
        + "; signed: " + string.Join(", ", sim.Signers.Where(s => s.Key.StartsWith('r') || s.Key.StartsWith("bin", StringComparison.Ordinal)).Select(s => $"{s.Key}:{string.Join('+', s.Value.Select(k => k.KeyId[..4]))}"));
}
