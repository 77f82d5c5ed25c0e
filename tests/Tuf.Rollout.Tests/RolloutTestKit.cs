using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tuf.Rollout;
using Tuf.Rollout.Local;

using Tuf.Client;

namespace Tuf.Rollout.Tests;

/// <summary>
/// Real local instances for rollout tests: tiny python HTTP servers packed as .tar.gz releases, a group folder on disk,
/// a fake verified source, and a sampler that watches how many instances serve. Disposing stops every process.
/// </summary>
internal sealed class RolloutTestKit : IDisposable
{
    public static readonly string Python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    // /health: 200 while mode allows; /version: the release's version. "exit" quits at start; "fail" is always 503;
    // "fail-after:S" turns 503 S seconds after start.
    private const string ServerPy = """
        import http.server, os, sys, time
        here = os.path.dirname(os.path.realpath(__file__))
        read = lambda n, d: open(os.path.join(here, n)).read().strip() if os.path.exists(os.path.join(here, n)) else d
        version, mode, started = read('version', '?'), read('mode', 'ok'), time.monotonic()
        if mode == 'exit':
            sys.exit(3)
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == '/health':
                    ok = mode == 'ok' or (mode.startswith('fail-after:') and time.monotonic() - started < float(mode[11:]))
                    code, body = (200, b'ok') if ok else (503, b'unhealthy')
                elif self.path == '/version':
                    code, body = 200, version.encode()
                else:
                    code, body = 404, b''
                self.send_response(code)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer.allow_reuse_address = True
        http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
        """;

    private readonly List<int[]> _ports = [];

    public RolloutTestKit(int instances, int slots = 1)
    {
        Root = Path.Combine(Path.GetTempPath(), "tuf-rollout-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        Directory.CreateDirectory(Root);
        var list = new List<object>();
        for (var i = 1; i <= instances; i++)
        {
            var ports = Enumerable.Range(0, slots).Select(_ => FreePort()).ToArray();
            _ports.Add(ports);
            list.Add(new Dictionary<string, object>
            {
                ["name"] = $"web-{i}",
                ["dir"] = $"instances/web-{i}",
                ["start"] = "sh {current}/run.sh {port}",
                ["health"] = "http://127.0.0.1:{port}/health",
                ["ports"] = ports,
            });
        }

        GroupPath = Path.Combine(Root, "group.json");
        File.WriteAllText(GroupPath, JsonSerializer.Serialize(new Dictionary<string, object> { ["provider"] = "local", ["stopGraceSeconds"] = 2, ["instances"] = list }));
        Group = GroupFile.Load(GroupPath);
        Provider = new LocalInstanceProvider(Group);
        Source = new FakeSource(Path.Combine(Root, "downloads"));
    }

    public string Root { get; }

    public string GroupPath { get; }

    public GroupFile Group { get; }

    public LocalInstanceProvider Provider { get; }

    public FakeSource Source { get; }

    public IReadOnlyList<int[]> Ports => _ports;

    public static RolloutStrategy Fast(int parallelism = 1) => new()
    {
        Parallelism = parallelism,
        Monitor = TimeSpan.FromMilliseconds(300),
        HealthInterval = TimeSpan.FromMilliseconds(50),
        HealthTimeout = TimeSpan.FromSeconds(15),
    };

    public RollingUpdater Updater(Action<RolloutProgress>? progress = null) => new(Provider, Group.StateDirectory, TimeProvider.System, progress);

    /// <summary>A release: run.sh + server.py + version + mode, gzip'd tar.</summary>
    public static byte[] Release(string version, string mode = "ok")
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            Add(tar, "run.sh", $"exec {Python} \"$(dirname \"$0\")/server.py\" \"$1\"\n", 0b111_101_101);
            Add(tar, "server.py", ServerPy.Replace("\r", "", StringComparison.Ordinal) + "\n", 0b110_100_100);
            Add(tar, "version", version + "\n", 0b110_100_100);
            Add(tar, "mode", mode + "\n", 0b110_100_100);
        }

        return buffer.ToArray();
    }

    private static void Add(TarWriter tar, string name, string content, int mode)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)), Mode = (UnixFileMode)mode };
        tar.WriteEntry(entry);
    }

    private static int _nextPort = 20000 + (Environment.ProcessId * 7919 % 9000);

    /// <summary>
    /// A free port below the kernel's ephemeral range (32768+): a port taken from the ephemeral range can be reused as
    /// the local end of an outgoing connection before the instance binds it.
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            var port = Interlocked.Increment(ref _nextPort);
            if (port > 32000)
            {
                Interlocked.Exchange(ref _nextPort, 20000);
                continue;
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }
    }

    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(3) };

    /// <summary>The version served on any healthy slot of instance <paramref name="index"/> (0-based), or null.</summary>
    public async Task<string?> ServedVersionAsync(int index)
    {
        foreach (var port in _ports[index])
        {
            try
            {
                var health = await Http.GetAsync($"http://127.0.0.1:{port}/health");
                if (health.IsSuccessStatusCode)
                {
                    return (await Http.GetStringAsync($"http://127.0.0.1:{port}/version")).Trim();
                }
            }
            catch (HttpRequestException)
            {
            }
        }

        return null;
    }

    /// <summary>True healthy, false refused or unhealthy, null when a probe timed out (an overloaded machine says nothing).</summary>
    public async Task<bool?> ServingAsync(int index)
    {
        var unknown = false;
        foreach (var port in _ports[index])
        {
            try
            {
                using var response = await Http.GetAsync($"http://127.0.0.1:{port}/health");
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
                unknown = true;
            }
        }

        return unknown ? null : false;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or the deadline passes.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(50);
        }

        return await condition();
    }

    /// <summary>Samples all instances continuously; records the most instances down and the fewest serving at one moment.</summary>
    public Sampler StartSampler() => new(this);

    internal sealed class Sampler : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public Sampler(RolloutTestKit kit)
        {
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    var results = await Task.WhenAll(Enumerable.Range(0, kit._ports.Count).Select(kit.ServingAsync));
                    if (results.All(r => r is not null))
                    {
                        Samples++;
                        MaxDown = Math.Max(MaxDown, results.Count(r => r == false));
                        MinServing = Math.Min(MinServing, results.Count(r => r == true));
                    }

                    try
                    {
                        await Task.Delay(20, _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            });
        }

        public int Samples { get; private set; }

        public int MaxDown { get; private set; }

        public int MinServing { get; private set; } = int.MaxValue;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var name in Provider.Instances)
        {
            try
            {
                Provider.StopAsync(name).GetAwaiter().GetResult();
            }
            catch (IOException)
            {
            }
        }

        try
        {
            if (Environment.GetEnvironmentVariable("TUF_KEEP_TEST_DIRS") == "1")
            {
                return;
            }

            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Stands in for the TUF client: the bytes it is given are "verified" (sha256 computed here).</summary>
    internal sealed class FakeSource(string directory) : IVerifiedArtifactSource
    {
        private readonly Dictionary<string, byte[]> _targets = new(StringComparer.Ordinal);

        public int Calls { get; private set; }

        public void Publish(string targetPath, byte[] bytes) => _targets[targetPath] = bytes;

        public Exception? Failure { get; set; }

        public Task<VerifiedArtifact> ResolveAsync(string targetPath, CancellationToken cancellationToken = default)
        {
            Calls++;
            if (Failure is { } failure)
            {
                throw failure;
            }

            var bytes = _targets[targetPath];
            Directory.CreateDirectory(directory);
            var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
            var path = Path.Combine(directory, sha);
            File.WriteAllBytes(path, bytes);
            return Task.FromResult(new VerifiedArtifact(targetPath, path, bytes.Length, sha));
        }
    }
}
