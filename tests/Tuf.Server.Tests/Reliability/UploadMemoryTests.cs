using System.Net;
using System.Net.Http.Headers;
using Tuf.Server.Tests.TestKit;
using Xunit.Abstractions;

namespace Tuf.Server.Tests.Reliability;

/// <summary>
/// The real server process under uploads it must refuse or accept, its resident memory sampled throughout: a
/// publish costs memory in proportion to its metadata, not to what a client sends.
/// </summary>
public sealed class UploadMemoryTests(ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;

    private static Dictionary<string, string> Settings() => new()
    {
        ["Server:DataDirectory"] = TestKit.TestDirs.New("tuf-upload-memory-").FullName,
        ["Auth:AdminToken"] = ServerHost.AdminToken,
    };

    [Fact]
    public async Task ParallelOversizedChunkedUploads_RefusedAndServerMemoryStaysBounded()
    {
        using var server = await ServerProcess.StartAsync(Settings());
        // Warm up the publish path once (JIT, pools), then take the baseline.
        await SendOversizedAsync(server, 2 * MiB, expectRejection: false);
        long baseline = server.ResidentBytes;

        int[] statuses = [];
        long peak = await PeakResidentBytesAsync(server, async () =>
            statuses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => SendOversizedAsync(server, 200 * MiB, expectRejection: true))));

        output.WriteLine($"baseline {baseline / MiB} MiB, peak {peak / MiB} MiB, statuses {string.Join(' ', statuses)}");
        Assert.All(statuses, s => Assert.True(s is 413 or 503 or 0, $"status {s}"));
        Assert.True(peak - baseline < 64 * MiB, $"six parallel 200 MB uploads grew the server from {baseline / MiB} to {peak / MiB} MiB");

        // Still serving.
        using var health = await server.Client.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Publish100000TargetTargetsJson_ServerMemoryGrowsBySmallMultipleOfTheFile()
    {
        using var server = await ServerProcess.StartAsync(Settings());
        using var warm = await TestCollection.CreateAsync(server.Client, "example.com/warm");
        warm.AddTarget("a.txt", "a");
        await ServedState.AssertOkAsync(await warm.PublishInitialAsync(server.Client));

        using var c = await TestCollection.CreateAsync(server.Client, "example.com/big");
        for (int i = 0; i < 100_000; i++)
        {
            string path = $"pkg/{i % 1000}/{i}/package.tgz";
            c.Targets.TargetFiles[path] = new TargetFile
            {
                Path = path,
                Length = 1000 + i,
                Hashes = new Dictionary<string, string> { ["sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i))) },
            };
        }

        byte[] targets = c.SignedTargets();
        byte[] root = c.SignedRoot();
        long baseline = server.ResidentBytes;
        long peak = await PeakResidentBytesAsync(server, async () =>
        {
            using var response = await TestCollection.PublishAsync(server.Client, c.Gun, [("root", root), ("targets", targets)]);
            await ServedState.AssertOkAsync(response);
        });
        output.WriteLine($"targets.json {targets.Length / MiB} MiB; baseline {baseline / MiB} MiB, peak {peak / MiB} MiB (+{(peak - baseline) / MiB} MiB)");
        // Measured for this 15.7 MB file: +114..124 MiB (7.3-7.9x) when the part was read through in-memory pieces and
        // SQLite was handed the file as a bound parameter; +79..80 MiB (5.1x) since the part is spooled to a temporary
        // file and read back once, and SQLite gets it written into a zero-filled blob in pieces. What remains is the
        // file itself, the canonical bytes of `signed` (signatures are over them), the parser's row index (pooled, kept
        // for the next parse) and the object model. Up to ~6.5x when other tests load the machine; this bound catches
        // a return of either whole-file copy.
        Assert.True(peak - baseline < 7 * targets.Length, $"a {targets.Length / MiB} MiB targets.json grew the server from {baseline / MiB} to {peak / MiB} MiB");
    }

    [Fact]
    public async Task ClientsThatDoNotReadALargeFile_CostTheServerAPieceEach_NotTheFile()
    {
        using var server = await ServerProcess.StartAsync(Settings());
        using var c = await TestCollection.CreateAsync(server.Client, "example.com/slow-readers");
        for (int i = 0; i < 60_000; i++)
        {
            c.AddTarget($"pkg/{i % 100}/{i}.tgz", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await ServedState.AssertOkAsync(await c.PublishInitialAsync(server.Client));
        using (var warm = await server.Client.GetAsync($"{c.Gun}/metadata/targets.json"))
        {
            Assert.True(warm.IsSuccessStatusCode);
            Assert.True(warm.Content.Headers.ContentLength > 8 * MiB, $"targets.json is only {warm.Content.Headers.ContentLength} bytes");
        }

        // Measured before responses went out in pieces: +112 MiB (every response copied the whole file into Kestrel's pipe).
        await AssertStalledReadersCostLittleAsync(server, $"/{c.Gun}/metadata/targets.json", "a 10 MB targets.json");
    }

    [Fact]
    public async Task ClientsThatDoNotReadALargeHostedTarget_CostTheServerLittle()
    {
        using var server = await ServerProcess.StartAsync(Settings());
        using var c = await TestCollection.CreateAsync(server.Client, "example.com/slow-downloads");
        var content = new byte[40 * MiB];
        new Random(9).NextBytes(content);
        c.Targets.TargetFiles["big.bin"] = new TargetFile
        {
            Path = "big.bin",
            Length = content.Length,
            Hashes = new Dictionary<string, string> { ["sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)) },
        };
        using (var published = await TestCollection.PublishAsync(server.Client, c.Gun, [("root", c.SignedRoot()), ("targets", c.SignedTargets())], [("big.bin", content)]))
        {
            await ServedState.AssertOkAsync(published);
        }

        using (var whole = await server.Client.GetAsync($"{c.Gun}/targets/big.bin"))
        {
            Assert.Equal(content, await whole.Content.ReadAsByteArrayAsync());
        }

        // Measured before target content was streamed from the database: every download loaded the whole target (and
        // SQLite a second copy) and hashed it for the ETag.
        await AssertStalledReadersCostLittleAsync(server, $"/{c.Gun}/targets/big.bin", "a 40 MiB hosted target");
    }

    /// <summary>Sixteen clients ask for <paramref name="path"/> and read only its first bytes; the server must not hold the file for each.</summary>
    private async Task AssertStalledReadersCostLittleAsync(ServerProcess server, string path, string what)
    {
        long baseline = server.ResidentBytes;
        var sockets = new List<System.Net.Sockets.Socket>();
        try
        {
            long peak = await PeakResidentBytesAsync(server, async () =>
            {
                // Each response is under way (the server has handed Kestrel its first piece), but the client takes no more.
                for (int i = 0; i < 16; i++)
                {
                    var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
                    sockets.Add(socket);
                    await socket.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
                    await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\n\r\n"));
                }

                var buffer = new byte[1024];
                foreach (var socket in sockets)
                {
                    Assert.True(await socket.ReceiveAsync(buffer) > 0);
                }
            });

            output.WriteLine($"{what}: baseline {baseline / MiB} MiB, peak with 16 stalled readers {peak / MiB} MiB (+{(peak - baseline) / MiB} MiB)");
            Assert.True(peak - baseline < 48 * MiB, $"16 clients not reading {what} grew the server from {baseline / MiB} to {peak / MiB} MiB");
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> while sampling the server's resident memory every 10 ms; the highest sample.</summary>
    private static async Task<long> PeakResidentBytesAsync(ServerProcess server, Func<Task> work)
    {
        long peak = server.ResidentBytes;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, server.ResidentBytes);
                await Task.Delay(10);
            }
        });
        try
        {
            await work();
        }
        finally
        {
            await stop.CancelAsync();
            await sampler;
        }

        return Math.Max(peak, server.ResidentBytes);
    }

    /// <summary>A chunked multipart publish with one target part of <paramref name="size"/> generated bytes; the status, or 0 when the server cut the connection.</summary>
    private static async Task<int> SendOversizedAsync(ServerProcess server, long size, bool expectRejection)
    {
        using var content = new MultipartFormDataContent("bound");
        var part = new StreamContent(new GeneratedStream(size));
        part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"target\"", FileName = "\"big.bin\"" };
        content.Add(part);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v2/example.com/big/_trust/tuf/") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServerHost.AdminToken);
        request.Headers.TransferEncodingChunked = true;
        try
        {
            using var response = await server.Client.SendAsync(request);
            if (!expectRejection)
            {
                // Not listed by any metadata: refused after reading, which is what the warm-up wants.
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            }

            return (int)response.StatusCode;
        }
        catch (HttpRequestException) when (expectRejection)
        {
            return 0;
        }
    }

    /// <summary>A read-only stream of <c>length</c> bytes that never holds more than the caller's buffer.</summary>
    private sealed class GeneratedStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = (int)Math.Min(count, length - _position);
            buffer.AsSpan(offset, n).Fill((byte)'x');
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
