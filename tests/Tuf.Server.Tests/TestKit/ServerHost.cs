using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Tuf.Testing;

namespace Tuf.Server.Tests.TestKit;

/// <summary>The real server in-process over real loopback HTTP (Kestrel on 127.0.0.1, port 0), one fresh database each.</summary>
internal sealed class ServerHost : WebApplicationFactory<Program>
{
    public const string AdminToken = "tuf_test-admin-token";

    private readonly Dictionary<string, string?> _settings;
    private readonly TimeProvider? _time;

    private readonly bool _ownsDataDirectory;

    private ServerHost(Dictionary<string, string?> settings, TimeProvider? time, bool ownsDataDirectory)
    {
        _settings = settings;
        _time = time;
        _ownsDataDirectory = ownsDataDirectory;
    }

    public HttpClient Client { get; private set; } = new();

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public string DataDirectory => _settings["Server:DataDirectory"]!;

    /// <summary>Starts a server on a new SQLite file (or the given PostgreSQL database).</summary>
    public static ServerHost Start(string? postgres = null, TimeProvider? time = null, IDictionary<string, string?>? settings = null, string? dataDirectory = null, Action<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>? kestrel = null)
    {
        var dir = dataDirectory ?? TestKit.TestDirs.New("tuf-server-it-").FullName;
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Server:DataDirectory"] = dir,
            ["Server:KeyEncryptionKey"] = Convert.ToBase64String(new byte[32]),
            ["Auth:AdminToken"] = AdminToken,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (postgres is not null)
        {
            all["Storage:Provider"] = "postgres";
            all["Storage:ConnectionString"] = postgres;
        }

        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            all[k] = v;
        }

        var host = new ServerHost(all, time, dataDirectory is null);
        host.UseKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            kestrel?.Invoke(o);
        });
        host.StartServer();
        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        host.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        host.Client = new HttpClient { BaseAddress = host.BaseAddress };
        return host;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (k, v) in _settings)
        {
            builder.UseSetting(k, v);
        }

        if (_time is not null)
        {
            builder.ConfigureTestServices(s => s.AddSingleton(_time));
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Client.Dispose();
        }

        base.Dispose(disposing);
        if (disposing && _ownsDataDirectory)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }
}
