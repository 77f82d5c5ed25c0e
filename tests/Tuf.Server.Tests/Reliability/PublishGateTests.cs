using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Tuf.Server.Tests.TestKit;

namespace Tuf.Server.Tests.Reliability;

public sealed class PublishGateTests
{
    [Fact]
    public async Task PublishesBeyondTheCap_503BusyWithRetryAfter_UntilASlotIsFree()
    {
        // No minimum body data rate, so that the stalled holder keeps its slot however slow the machine is.
        using var host = ServerHost.Start(settings: new Dictionary<string, string?> { ["Server:MaxConcurrentPublishes"] = "1" },
            kestrel: k => k.Limits.MinRequestBodyDataRate = null);

        // A publish whose body never finishes holds the only slot. It asks for 100-continue, which Kestrel sends when the
        // endpoint starts reading the body, i.e. once the publish is past the gate: only then do the polls begin (a poll
        // sent earlier could hold the slot at the moment the holder arrives and turn the holder away instead).
        var holder = new TcpClient();
        await holder.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
        var stream = holder.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            "POST /v2/example.com/app/_trust/tuf/ HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
            + $"Authorization: Bearer {ServerHost.AdminToken}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n"));
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            var interim = new StringBuilder();
            var one = new byte[1];
            while (!interim.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one, deadline.Token) == 1)
            {
                interim.Append((char)one[0]);
            }

            Assert.StartsWith("HTTP/1.1 100 Continue", interim.ToString());
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes("--b\r\n"));

        using (var busy = await PollAsync(host, r => r.StatusCode == HttpStatusCode.ServiceUnavailable))
        {
            await ServedState.AssertErrorAsync(busy, HttpStatusCode.ServiceUnavailable, "busy");
            Assert.Equal(TimeSpan.FromSeconds(1), busy.Headers.RetryAfter?.Delta);
        }

        // The holder goes away: its slot comes back, and the next publish is read (and refused for what it is).
        holder.Dispose();
        using var next = await PollAsync(host, r => r.StatusCode != HttpStatusCode.ServiceUnavailable);
        await ServedState.AssertErrorAsync(next, HttpStatusCode.BadRequest, "nothing_to_publish");
    }

    /// <summary>Sends an empty multipart publish until <paramref name="done"/> holds for the response (60 s deadline).</summary>
    private static async Task<HttpResponseMessage> PollAsync(ServerHost host, Func<HttpResponseMessage, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v2/example.com/app/_trust/tuf/")
            {
                Content = new StringContent("--b--\r\n", Encoding.ASCII),
            };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServerHost.AdminToken);
            var response = await host.Client.SendAsync(request);
            if (done(response))
            {
                return response;
            }

            string last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            response.Dispose();
            Assert.True(DateTime.UtcNow < deadline, "the condition never held; last response: " + last);
            await Task.Delay(20);
        }
    }
}
