using System.Diagnostics;
using System.Globalization;

namespace Tuf.Cli.Tests.Swarm;

/// <summary>
/// One throw-away Docker engine, one-node swarm and local registry per test run, started by eng/docker.sh on first
/// use and stopped (by PID) when the test process exits. Images are built offline from busybox with
/// <c>docker import</c>; the docker CLI is used only to set up and to look (the product talks to the Engine API).
/// </summary>
internal static class DockerSwarm
{
    private static readonly Lazy<Daemon> s_daemon = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int s_counter;

    /// <summary>The daemon, or a skip naming why dockerd cannot run here.</summary>
    public static Daemon Require()
    {
        var daemon = s_daemon.Value;
        Skip.If(daemon.Error is not null, "dockerd unavailable: " + daemon.Error);
        return daemon;
    }

    /// <summary>A name unique in this run (services, repositories).</summary>
    public static string Unique(string prefix) => $"{prefix}{Environment.ProcessId % 10000}x{Interlocked.Increment(ref s_counter)}";

    private static Daemon Start()
    {
        var script = Path.Combine(Tuf.Testing.SharedVectors.RepoRoot, "eng", "docker.sh");
        if (!OperatingSystem.IsLinux() || !File.Exists(script))
        {
            return new Daemon(null, null, null, null, "the swarm tests need Linux and eng/docker.sh");
        }

        var psi = new ProcessStartInfo("bash", [script, "start"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.Environment["TUF_DOCKER_OWNER_PID"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            return new Daemon(null, null, null, null, "eng/docker.sh start timed out");
        }

        var values = stdout.GetAwaiter().GetResult().Split('\n').Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1].Trim());
        if (process.ExitCode != 0 || !values.TryGetValue("DIR", out var dir))
        {
            var error = stderr.GetAwaiter().GetResult().Trim();
            return new Daemon(null, null, null, null, $"eng/docker.sh start exited {process.ExitCode}: {(error.Length > 400 ? error[^400..] : error)}");
        }

        var daemon = new Daemon(values["DOCKER_HOST"], values["REGISTRY"], values["ROOTFS"], dir, null);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            using var stop = Process.Start(new ProcessStartInfo("bash", [script, "stop", daemon.Dir!]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true });
            stop?.WaitForExit(TimeSpan.FromSeconds(60));
        };
        return daemon;
    }

    internal sealed record Daemon(string? Host, string? Registry, string? RootFs, string? Dir, string? Error)
    {
        /// <summary>Runs the docker CLI against this daemon; throws with its output when it fails.</summary>
        public string Docker(params string[] args)
        {
            var (code, stdout, stderr) = Run(args);
            Assert.True(code == 0, $"docker {string.Join(' ', args)} exited {code}: {stderr}");
            return stdout.Trim();
        }

        public (int Code, string Stdout, string Stderr) Run(params string[] args) => RunWith(new Dictionary<string, string>(), args);

        /// <summary>Runs the docker CLI with extra environment (which may replace <c>DOCKER_CONFIG</c>).</summary>
        public (int Code, string Stdout, string Stderr) RunWith(IReadOnlyDictionary<string, string> environment, params string[] args)
        {
            var psi = new ProcessStartInfo("docker") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            psi.Environment["DOCKER_HOST"] = Host;
            psi.Environment["DOCKER_CONFIG"] = Path.Combine(Dir!, "docker-config");
            foreach (var (name, value) in environment)
            {
                psi.Environment[name] = value;
            }

            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }

            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
        }

        /// <summary>
        /// Builds an image from busybox (httpd on 8080; a health check that passes, or fails when <paramref name="healthy"/>
        /// is false), tags it <c>REGISTRY/REPOSITORY:TAG</c>, pushes it, and returns its manifest digest.
        /// </summary>
        public string BuildAndPush(string repository, string tag, bool healthy = true, string? marker = null)
        {
            string reference = $"{Registry}/{repository}:{tag}";
            Docker("import",
                "-c", "CMD [\"/busybox\",\"httpd\",\"-f\",\"-p\",\"8080\"]",
                "-c", $"ENV MARKER={marker ?? tag}",
                "-c", $"HEALTHCHECK --interval=1s --timeout=1s --retries=1 CMD [\"/busybox\",\"{(healthy ? "true" : "false")}\"]",
                RootFs!, reference);
            var pushed = Docker("push", reference);
            var digest = pushed.Split('\n').Select(l => l.Trim()).Where(l => l.Contains("digest: sha256:", StringComparison.Ordinal))
                .Select(l => l[(l.IndexOf("sha256:", StringComparison.Ordinal))..].Split(' ')[0]).FirstOrDefault();
            Assert.True(digest is not null, "no digest in docker push output: " + pushed);
            return digest!;
        }

        /// <summary>Creates a replicated service pinned to <paramref name="image"/> and waits until its tasks run.</summary>
        public void CreateService(string name, string image, int replicas)
        {
            Docker("service", "create", "--detach", "--name", name, "--replicas", replicas.ToString(CultureInfo.InvariantCulture),
                "--stop-grace-period", "1s", "--update-monitor", "1s", image);
            WaitFor(() => RunningTasks(name).Count == replicas, TimeSpan.FromSeconds(90), $"service {name} did not start {replicas} tasks");
        }

        /// <summary>The image the service spec names.</summary>
        public string ServiceImage(string name) => Docker("service", "inspect", name, "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}");

        /// <summary>The images of the service's tasks that are desired and running.</summary>
        public List<string> RunningTasks(string name) =>
            Docker("service", "ps", name, "--no-trunc", "--filter", "desired-state=running", "--format", "{{.CurrentState}}|{{.Image}}")
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(l => l.StartsWith("Running", StringComparison.Ordinal))
                .Select(l => l.Split('|')[1])
                .ToList();

        public void RemoveService(string name) => Run("service", "rm", name);

        public static void WaitFor(Func<bool> condition, TimeSpan timeout, string message)
        {
            var deadline = Stopwatch.StartNew();
            while (!condition())
            {
                Assert.True(deadline.Elapsed < timeout, message);
                Thread.Sleep(250);
            }
        }
    }
}
