using System.Net;
using System.Text.Json;

namespace Tuf.Server.Tests.TestKit;

/// <summary>Reads what a collection serves, to compare before and after a rejected publish and to check responses.</summary>
internal static class ServedState
{
    /// <summary>The current bytes of root, targets, snapshot and timestamp (null when absent).</summary>
    public static async Task<string> CaptureAsync(HttpClient client, string gun)
    {
        var parts = new List<string>();
        foreach (var role in new[] { "root", "targets", "snapshot", "timestamp" })
        {
            using var response = await client.GetAsync($"{gun}/metadata/{role}.json");
            parts.Add(role + "=" + (response.StatusCode == HttpStatusCode.OK ? Convert.ToBase64String(await response.Content.ReadAsByteArrayAsync()) : ((int)response.StatusCode).ToString()));
        }

        using var changes = await client.GetAsync($"v2/{gun}/_trust/changefeed");
        parts.Add("changes=" + await changes.Content.ReadAsStringAsync());
        return string.Join("\n", parts);
    }

    /// <summary>Asserts an error response: status, JSON body with the code.</summary>
    /// <summary>Asserts an error response with <paramref name="status"/> and <paramref name="code"/>; returns its message.</summary>
    public static async Task<string> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal(code, doc.RootElement.GetProperty("code").GetString());
        var message = doc.RootElement.GetProperty("message").GetString();
        Assert.False(string.IsNullOrWhiteSpace(message));
        return message!;
    }

    public static async Task AssertOkAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            Assert.Fail($"expected success, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
