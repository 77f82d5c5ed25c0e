using Tuf.Cli.Commands;

namespace Tuf.Cli.Tests;

/// <summary>One real Tuf.Server process (dotnet Tuf.Server.dll on a free loopback port, temporary SQLite) shared by a test class.</summary>
public sealed class PublishServerFixture : IAsyncLifetime
{
    private QuickstartServer? _server;
    private string? _data;

    public Uri BaseAddress => _server!.BaseAddress;

    public string Url => BaseAddress.AbsoluteUri;

    public string AdminToken => _server!.AdminToken;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public async Task InitializeAsync()
    {
        _data = Directory.CreateTempSubdirectory("tuf-cli-publish-server-").FullName;
        _server = await QuickstartServer.StartAsync(_data, TimeSpan.FromSeconds(120), CancellationToken.None);
        Http.BaseAddress = BaseAddress;
    }

    public Task DisposeAsync()
    {
        _server?.Dispose();
        Http.Dispose();
        try
        {
            if (_data is not null)
            {
                Directory.Delete(_data, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort.
        }

        return Task.CompletedTask;
    }

    /// <summary>The bytes the server serves at a path (null for a 404).</summary>
    public async Task<byte[]?> GetAsync(string path, string? token = null, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await Http.SendAsync(request);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync();
    }
}
