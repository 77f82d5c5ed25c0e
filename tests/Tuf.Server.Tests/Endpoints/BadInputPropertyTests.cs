using System.Net;
using System.Net.Http.Headers;
using Tuf.Server.Tests.TestKit;

namespace Tuf.Server.Tests.Endpoints;

/// <summary>Whatever arrives, the server answers with a JSON error or a success, never a 500.</summary>
public sealed class BadInputPropertyTests
{
    private static readonly string[] s_pieces =
    [
        "/", "/", "a", "example.com", "metadata", "targets", "_trust", "tuf", "v2", "..", ".", "%2F", "%25", "%00", "%01", "%ZZ",
        "timestamp.json", "1.root.json", "root.json", "0.root.json", "99999999999999999999.targets.json", "x.key", "timestamp.key",
        "changefeed", "?change_id=-1", "?records=0", "é", "%C3%A9", " ", "%20", "*", "_admin", "tokens",
    ];

    // A fixed seed: failures replay exactly.
    private static string RandomPath(Random random)
        => "/" + string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => s_pieces[random.Next(s_pieces.Length)]));

    [Fact]
    public async Task AnyRequestPath_AnyMethod_NeverReturns500()
    {
        using var host = ServerHost.Start();
        using var c = await TestCollection.CreateAsync(host.Client, "example.com");
        await ServedState.AssertOkAsync(await c.PublishInitialAsync(host.Client));
        var methods = new[] { HttpMethod.Get, HttpMethod.Head, HttpMethod.Post, HttpMethod.Delete, HttpMethod.Put };

        var random = new Random(20261122);
        for (int i = 0; i < 300; i++)
        {
            var path = RandomPath(random);
            var method = methods[random.Next(methods.Length)];
            var withToken = random.Next(2) == 0;
            using var request = new HttpRequestMessage(method, host.BaseAddress.ToString().TrimEnd('/') + path.Replace(" ", "%20", StringComparison.Ordinal));
            if (withToken)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServerHost.AdminToken);
            }

            if (method == HttpMethod.Post || method == HttpMethod.Put)
            {
                request.Content = new ByteArrayContent("--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"root.json\"\r\n\r\n{}\r\n--b--\r\n"u8.ToArray());
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
            }

            using var response = await host.Client.SendAsync(request);
            Assert.True((int)response.StatusCode < 500, $"{method} {path} -> {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            // Kestrel itself refuses a NUL in the path (400 before any application code runs, so no JSON body).
            if ((int)response.StatusCode >= 400 && method != HttpMethod.Head && !path.Contains("%00", StringComparison.Ordinal))
            {
                Assert.True("application/json" == response.Content.Headers.ContentType?.MediaType, $"{method} {path} -> {(int)response.StatusCode} without a JSON body");
            }
        }
    }

    [Fact]
    public async Task ArbitraryUploadBytes_NeverReturns500AndNeverChangeTheCollection()
    {
        using var host = ServerHost.Start();
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/fuzz");
        await ServedState.AssertOkAsync(await c.PublishInitialAsync(host.Client));
        var before = await ServedState.CaptureAsync(host.Client, c.Gun);
        c.Targets.Version = 2;
        var valid = c.SignedTargets();

        // Single-byte mutations of a valid upload, and random bytes.
        var random = new Random(7);
        for (int i = 0; i < 150; i++)
        {
            byte[] bytes;
            if (i % 2 == 0)
            {
                bytes = (byte[])valid.Clone();
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }
            else
            {
                bytes = new byte[random.Next(0, 300)];
                random.NextBytes(bytes);
            }

            if (bytes.AsSpan().SequenceEqual(valid))
            {
                continue;
            }

            using var response = await TestCollection.PublishAsync(host.Client, c.Gun, [("targets", bytes), ("snapshot", bytes)]);
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        Assert.Equal(before, await ServedState.CaptureAsync(host.Client, c.Gun));
    }
}
