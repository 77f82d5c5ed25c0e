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
        using var host = ServerHost.Start(settings: new Dictionary<string, string?> { ["Server:MaxConcurrentPublishes"] = "1" });

        // A publish whose body never finishes holds the only slot.
        var holder = new TcpClient();
        await holder.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
        await holder.GetStream().WriteAsync(Encoding.ASCII.GetBytes(
            "POST /v2/example.com/app/_trust/tuf/ HTTP/1.1\r\nHost: x\r\n"
            + $"Authorization: Bearer {ServerHost.AdminToken}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\n"));

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

    /// <summary>Sends an empty multipart publish until <paramref name="done"/> holds for the response (30 s deadline).</summary>
    private static async Task<HttpResponseMessage> PollAsync(ServerHost host, Func<HttpResponseMessage, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
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

            response.Dispose();
            Assert.True(DateTime.UtcNow < deadline, "the condition never held");
            await Task.Delay(20);
        }
    }
}
