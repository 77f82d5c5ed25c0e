using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Tuf.Signing;
using Tuf.Testing;
using Xunit.Abstractions;

namespace Tuf.Cli.Tests.Swarm;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SwarmCollection
{
    public const string Name = "docker swarm (one daemon)";
}

/// <summary>
/// <c>tuf repo add-image</c> and <c>tuf rollout</c> with a swarm group, against a real dockerd, registry and
/// one-node swarm (eng/docker.sh): the real <c>tuf</c> process, a TUF repository served over loopback.
/// </summary>
[Collection(SwarmCollection.Name)]
public sealed class SwarmRolloutTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Fast = ["--parallelism", "1", "--monitor", "1s", "--health-timeout", "20s"];
    private static readonly string[] AllAtOnce = ["--parallelism", "0", "--monitor", "1s", "--health-timeout", "20s"];

    private readonly string _work = Directory.CreateTempSubdirectory("tuf-swarm-tests-").FullName;
    private readonly List<string> _services = [];
    private DockerSwarm.Daemon? _daemon;

    public void Dispose()
    {
        foreach (var service in _services)
        {
            _daemon?.RemoveService(service);
        }

        Directory.Delete(_work, recursive: true);
    }

    [SkippableFact]
    public async Task Start_V1ToV2WithParallelism1_EveryTaskRunsTheSignedDigestAndTheSpecPinsIt()
    {
        var (d, repo, service, image) = await SetUpAsync();
        string v2 = d.BuildAndPush(image, "v2");
        await repo.AddImageAsync($"{d.Registry}/{image}:v2", "app");
        await repo.CommitAsync();

        var (code, stdout, stderr) = await RolloutAsync("start", Fast);

        Assert.True(code == 0, $"exit {code}: {stdout}\n{stderr}");
        Assert.Equal($"{d.Registry}/{image}@{v2}", d.ServiceImage(service));
        Assert.All(d.RunningTasks(service), i => Assert.EndsWith("@" + v2, i, StringComparison.Ordinal));
        Assert.Equal(3, d.RunningTasks(service).Count);
        Assert.Contains($"registry serves the signed manifest {v2}", stdout, StringComparison.Ordinal);
        var (statusCode, status, _) = await TufAsync("rollout", "status", "--group", GroupPath);
        Assert.Equal(0, statusCode);
        Assert.Contains("phase: Completed", status, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Start_FromACollectionPublishedToTheServer_EveryTaskRunsTheSignedDigest()
    {
        var (d, _, service, image) = await SetUpAsync();
        string v2 = d.BuildAndPush(image, "v2");
        string data = Path.Combine(_work, "server");
        using var server = await Commands.QuickstartServer.StartAsync(data, TimeSpan.FromSeconds(120), CancellationToken.None);
        string gun = "example.com/" + image;
        string keys = Path.Combine(_work, "keys");
        string repo = Path.Combine(_work, "server-repo");
        foreach (var key in new[] { "root", "targets" })
        {
            await TufOkAsync("key", "generate", key, "--keystore", keys);
        }

        await TufOkAsync("repo", "init", repo, "--root-key", "root", "--targets-key", "targets", "--snapshot-key-from", server.BaseAddress.AbsoluteUri,
            "--timestamp-key-from", server.BaseAddress.AbsoluteUri, "--collection", gun, "--token", server.AdminToken, "--keystore", keys);
        await TufOkAsync("repo", "add-image", repo, $"{d.Registry}/{image}:v2", "--as", "app");
        await TufOkAsync("repo", "commit", repo, "--key", "root", "targets", "--keystore", keys);
        await TufOkAsync("repo", "publish", repo, "--server", server.BaseAddress.AbsoluteUri, "--collection", gun, "--token", server.AdminToken);
        var collection = new Uri(server.BaseAddress, gun + "/");

        var (code, stdout, stderr) = await TufAsync(["rollout", "start", "--group", GroupPath, "--target", "app",
            "--metadata-url", new Uri(collection, "metadata/").AbsoluteUri, "--targets-url", new Uri(collection, "targets/").AbsoluteUri,
            "--metadata-dir", Path.Combine(_work, "server-trusted"), "--root", Path.Combine(repo, "metadata", "1.root.json"), .. Fast]);

        Assert.True(code == 0, $"exit {code}: {stdout}\n{stderr}");
        Assert.Equal($"{d.Registry}/{image}@{v2}", d.ServiceImage(service));
        Assert.Equal(3, d.RunningTasks(service).Count(i => i.EndsWith("@" + v2, StringComparison.Ordinal)));
    }

    [SkippableFact]
    public async Task RollbackStopAndStart_BackToThePreviousVerifiedDigest_ScaledToZeroAndRestored()
    {
        var (d, repo, service, image) = await SetUpAsync();
        string v2 = d.BuildAndPush(image, "v2");
        string v3 = d.BuildAndPush(image, "v3");
        await repo.AddImageAsync($"{d.Registry}/{image}:v2", "app");
        await repo.CommitAsync();
        Assert.Equal(0, (await RolloutAsync("start", AllAtOnce)).Code);
        var (code, _, stderr) = await TufAsync("rollout", "rollback", "--group", GroupPath);
        Assert.Equal(1, code);
        Assert.Contains("no previous verified digest", stderr, StringComparison.Ordinal); // v1 was never verified by tuf
        await repo.AddImageAsync($"{d.Registry}/{image}:v3", "app");
        await repo.CommitAsync();
        Assert.Equal(0, (await RolloutAsync("start", AllAtOnce)).Code);

        (code, var stdout, stderr) = await TufAsync("rollout", "rollback", "--group", GroupPath);

        Assert.True(code == 0, $"exit {code}: {stdout}\n{stderr}");
        Assert.Equal($"{d.Registry}/{image}@{v2}", d.ServiceImage(service));

        (code, stdout, _) = await TufAsync("rollout", "stop", "--group", GroupPath);
        Assert.Equal(0, code);
        Assert.Contains("scaled to 0 (from 3 replicas", stdout, StringComparison.Ordinal);
        Assert.Equal("0", d.Docker("service", "inspect", service, "--format", "{{.Spec.Mode.Replicated.Replicas}}"));

        Assert.Equal(0, (await RolloutAsync("start", AllAtOnce)).Code);
        Assert.Equal("3", d.Docker("service", "inspect", service, "--format", "{{.Spec.Mode.Replicated.Replicas}}"));
        Assert.Equal(3, d.RunningTasks(service).Count(i => i.EndsWith("@" + v3, StringComparison.Ordinal)));
    }

    [SkippableFact]
    public async Task Start_V3FailsItsHealthCheckWithFailureActionRollback_Exit1AndServiceBackOnV2()
    {
        var (d, repo, service, image) = await SetUpAsync();
        string v2 = d.BuildAndPush(image, "v2");
        await repo.AddImageAsync($"{d.Registry}/{image}:v2", "app");
        await repo.CommitAsync();
        Assert.Equal(0, (await RolloutAsync("start", Fast)).Code);
        d.BuildAndPush(image, "v3", healthy: false);
        await repo.AddImageAsync($"{d.Registry}/{image}:v3", "app");
        await repo.CommitAsync();

        var (code, stdout, stderr) = await RolloutAsync("start", [.. Fast, "--failure-action", "rollback"]);

        Assert.True(code == 1, $"exit {code}: {stdout}\n{stderr}");
        Assert.Contains("swarm rolled the update back", stderr, StringComparison.Ordinal);
        Assert.Contains("unhealthy", stderr, StringComparison.Ordinal);
        Assert.Equal($"{d.Registry}/{image}@{v2}", d.ServiceImage(service));
        DockerSwarm.Daemon.WaitFor(() => d.RunningTasks(service).Count(i => i.EndsWith("@" + v2, StringComparison.Ordinal)) == 3, TimeSpan.FromSeconds(60), "3 healthy v2 tasks");
    }

    [SkippableFact]
    public async Task Start_TagMovedInTheRegistryAfterSigning_DeploysTheSignedDigest_AndAddImageSignsTheNewOneOnlyWhenRunAgain()
    {
        var (d, repo, service, image) = await SetUpAsync();
        string signed = d.BuildAndPush(image, "v2");
        await repo.AddImageAsync($"{d.Registry}/{image}:v2", "app");
        await repo.CommitAsync();
        string moved = d.BuildAndPush(image, "v2", marker: "moved");
        Assert.NotEqual(signed, moved);

        var (code, stdout, stderr) = await RolloutAsync("start", Fast);

        Assert.True(code == 0, $"exit {code}: {stdout}\n{stderr}");
        Assert.Equal($"{d.Registry}/{image}@{signed}", d.ServiceImage(service));
        var (_, staged, _) = await repo.AddImageAsync($"{d.Registry}/{image}:v2", "app");
        Assert.Contains(moved, staged, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Start_RegistryManifestDoesNotMatchTheSignedHash_Exit1AndNothingChanges()
    {
        var (d, repo, service, image) = await SetUpAsync();
        string v1Spec = d.ServiceImage(service);
        string v2 = d.BuildAndPush(image, "v2");

        // Signed with the right digest but the wrong length, and with a digest the registry does not hold.
        await repo.AddImageAsync($"{d.Registry}/{image}", "app", "--digest", v2, "--size", "999");
        await repo.CommitAsync();
        var (code, _, stderr) = await RolloutAsync("start", Fast);
        Assert.Equal(1, code);
        Assert.Contains("is not the signed one", stderr, StringComparison.Ordinal);

        await repo.AddImageAsync($"{d.Registry}/{image}", "app", "--digest", "sha256:" + new string('a', 64), "--size", "528");
        await repo.CommitAsync();
        (code, _, stderr) = await RolloutAsync("start", Fast);
        Assert.Equal(1, code);
        Assert.Contains("the registry does not serve the signed manifest", stderr, StringComparison.Ordinal);
        Assert.Equal(v1Spec, d.ServiceImage(service));
    }

    [SkippableFact]
    public async Task Watch_OutOfBandImageChangeIsReverted_AndAnExpiredTimestampKeepsTheService()
    {
        var (d, repo, service, image) = await SetUpAsync();
        string v2 = d.BuildAndPush(image, "v2");
        string evil = d.BuildAndPush(image, "evil", marker: "unsigned");
        await repo.AddImageAsync($"{d.Registry}/{image}:v2", "app");
        await repo.CommitAsync();
        Assert.Equal(0, (await RolloutAsync("start", Fast)).Code);
        string pinned = $"{d.Registry}/{image}@{v2}";

        using var watch = StartTuf(["rollout", "watch", .. RolloutArgs, "--interval", "2s", .. Fast]);
        d.Docker("service", "update", "--detach", "--image", $"{d.Registry}/{image}:evil", service);
        DockerSwarm.Daemon.WaitFor(() => d.ServiceImage(service) == pinned && d.RunningTasks(service).All(i => i.EndsWith("@" + v2, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(90), "watch did not pin the service back to the verified digest");
        Assert.Contains("pinned it back", await watch.WaitForOutputAsync("pinned it back", TimeSpan.FromSeconds(60)), StringComparison.Ordinal);

        // A freeze attack: the repository now serves a timestamp that expired. The service keeps the verified digest.
        await repo.CommitAsync(expiredTimestamp: true);
        Assert.Contains("does not verify", await watch.WaitForOutputAsync("does not verify", TimeSpan.FromSeconds(30)), StringComparison.Ordinal);
        Assert.Equal(pinned, d.ServiceImage(service));
        _ = evil;
    }

    [SkippableFact]
    public async Task Resume_TufKilledDuringARollout_ReattachesAndReportsTheOutcome()
    {
        var (d, repo, service, image) = await SetUpAsync();
        string v2 = d.BuildAndPush(image, "v2");
        await repo.AddImageAsync($"{d.Registry}/{image}:v2", "app");
        await repo.CommitAsync();

        using (var start = StartTuf(["rollout", "start", .. RolloutArgs, .. Fast]))
        {
            await start.WaitForOutputAsync("swarm: updating", TimeSpan.FromSeconds(60));
            start.Kill();
        }

        var journal = JsonDocument.Parse(File.ReadAllBytes(GroupPath + ".state/swarm-journal.json"));
        Assert.Equal("Updating", journal.RootElement.GetProperty("phase").GetString());
        var (code, stdout, stderr) = await TufAsync("rollout", "resume", "--group", GroupPath);

        Assert.True(code == 0, $"exit {code}: {stdout}\n{stderr}");
        Assert.Contains("re-attached", stdout, StringComparison.Ordinal);
        Assert.Equal($"{d.Registry}/{image}@{v2}", d.ServiceImage(service));
        Assert.Equal(3, d.RunningTasks(service).Count(i => i.EndsWith("@" + v2, StringComparison.Ordinal)));
    }

    private string GroupPath => Path.Combine(_work, "group.json");

    private string[] RolloutArgs => ["--group", GroupPath, "--target", "app", "--metadata-url", _server!.MetadataUrl.AbsoluteUri,
        "--targets-url", _server.TargetsUrl.AbsoluteUri, "--metadata-dir", Path.Combine(_work, "trusted"), "--root", Path.Combine(_work, "repo", "metadata", "1.root.json")];

    private RepositorySimulatorServer? _server;

    /// <summary>A registry image v1, a 3-replica service running it, a TUF repository served over loopback, and a group file.</summary>
    private async Task<(DockerSwarm.Daemon Daemon, ImageRepo Repo, string Service, string Image)> SetUpAsync()
    {
        var d = _daemon = DockerSwarm.Require();
        string image = DockerSwarm.Unique("app");
        string service = DockerSwarm.Unique("svc");
        string v1 = d.BuildAndPush(image, "v1");
        _services.Add(service);
        d.CreateService(service, $"{d.Registry}/{image}@{v1}", 3);
        var repo = new ImageRepo(Path.Combine(_work, "repo"), this);
        await repo.InitAsync();
        _server = RepositorySimulatorServer.ForDirectory(Path.Combine(_work, "repo"));
        File.WriteAllText(GroupPath, $$"""{ "provider": "swarm", "service": "{{service}}", "image": "{{d.Registry}}/{{image}}", "docker": "{{d.Host}}" }""");
        return (d, repo, service, image);
    }

    private Task<(int Code, string Stdout, string Stderr)> RolloutAsync(string verb, string[] extra) => TufAsync(["rollout", verb, .. RolloutArgs, .. extra]);

    private async Task<(int Code, string Stdout, string Stderr)> TufAsync(params string[] args)
    {
        using var process = StartTuf(args);
        return await process.WaitAsync(TimeSpan.FromMinutes(3));
    }

    private TufProcess StartTuf(string[] args) => new(args, output);

    private async Task TufOkAsync(params string[] args)
    {
        var (code, _, stderr) = await TufAsync(args);
        Assert.True(code == 0, $"tuf {string.Join(' ', args)} exited {code}: {stderr}");
    }

    /// <summary>A TUF repository of image tags: signed in-process, tags added with the real <c>tuf repo add-image</c>.</summary>
    private sealed class ImageRepo(string dir, SwarmRolloutTests test)
    {
        private readonly InMemorySigner _root = InMemorySigner.Generate(SigningKeyType.Ed25519);
        private readonly InMemorySigner _targets = InMemorySigner.Generate(SigningKeyType.Ed25519);
        private readonly InMemorySigner _snapshot = InMemorySigner.Generate(SigningKeyType.Ed25519);
        private readonly InMemorySigner _timestamp = InMemorySigner.Generate(SigningKeyType.Ed25519);

        public async Task InitAsync()
        {
            RepositoryEditor.Init(dir, new RepositoryInitOptions
            {
                RootKeys = [_root.PublicKey],
                TargetsKeys = [_targets.PublicKey],
                SnapshotKeys = [_snapshot.PublicKey],
                TimestampKeys = [_timestamp.PublicKey],
            }).Save();
            await CommitAsync();
        }

        public async Task<(int Code, string Stdout, string Stderr)> AddImageAsync(string image, string name, params string[] extra)
        {
            var result = await test.TufAsync(["repo", "add-image", dir, image, "--as", name, .. extra]);
            Assert.True(result.Code == 0, $"add-image exited {result.Code}: {result.Stderr}");
            return result;
        }

        /// <summary>Commits what is staged; with <paramref name="expiredTimestamp"/>, signs a new snapshot and timestamp that expired days ago.</summary>
        public async Task CommitAsync(bool expiredTimestamp = false)
        {
            var time = expiredTimestamp ? new FakeTimeProvider(TimeProvider.System.GetUtcNow().AddDays(-30)) : null;
            var editor = RepositoryEditor.Open(dir, time);
            await editor.CommitAsync([_root, _targets, _snapshot, _timestamp], refresh: expiredTimestamp);
        }
    }

    /// <summary>The real <c>tuf</c> as a child process, its output collected as it comes.</summary>
    private sealed class TufProcess : IDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _stdout = new();
        private readonly System.Text.StringBuilder _stderr = new();
        private readonly ITestOutputHelper _output;

        public TufProcess(string[] args, ITestOutputHelper output)
        {
            _output = output;
            var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            psi.Environment["DOTNET_EnableDiagnostics"] = "0";
            psi.Environment["TUF_KEY_PASSPHRASE"] = "swarm tests";
            psi.ArgumentList.Add("exec");
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tuf.dll"));
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }

            output.WriteLine("$ tuf " + string.Join(' ', args));
            _process = new Process { StartInfo = psi };
            _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
            _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public async Task<(int Code, string Stdout, string Stderr)> WaitAsync(TimeSpan timeout)
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            _process.WaitForExit();
            lock (_stdout)
            {
                _output.WriteLine(_stdout.ToString() + _stderr);
                return (_process.ExitCode, _stdout.ToString(), _stderr.ToString());
            }
        }

        /// <summary>Waits until the output holds <paramref name="text"/>; returns the output so far.</summary>
        public async Task<string> WaitForOutputAsync(string text, TimeSpan timeout)
        {
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                lock (_stdout)
                {
                    var all = _stdout.ToString() + _stderr;
                    if (all.Contains(text, StringComparison.Ordinal))
                    {
                        return all;
                    }

                    Assert.True(deadline.Elapsed < timeout && !_process.HasExited, $"no '{text}' in the output within {timeout.TotalSeconds} s: {all}");
                }

                await Task.Delay(100);
            }
        }

        public void Kill()
        {
            _process.Kill(); // SIGKILL
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }

            lock (_stdout)
            {
                _output.WriteLine(_stdout.ToString() + _stderr);
            }

            _process.Dispose();
        }

        private void Append(System.Text.StringBuilder sb, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_stdout)
            {
                sb.AppendLine(line);
            }
        }
    }
}
