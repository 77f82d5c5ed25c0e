using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tuf.Server.Tests.TestKit;

namespace Tuf.Server.Tests.Endpoints;

/// <summary>HTTPS from configuration: Kestrel endpoints with a PEM certificate and key, next to plain HTTP.</summary>
public sealed class HttpsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tuf-https-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task KestrelEndpointsFromConfiguration_ServeOverTlsWithThePemCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(_dir, "server.crt"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir, "server.key"), key.ExportPkcs8PrivateKeyPem());

        int http = ServerProcess.FreePort(), https = ServerProcess.FreePort();
        while (https == http)
        {
            https = ServerProcess.FreePort();
        }

        var settings = new Dictionary<string, string>
        {
            ["Server:DataDirectory"] = Path.Combine(_dir, "data"),
            ["Auth:AdminToken"] = "tuf_test-admin-token",
            ["Logging:LogLevel:Default"] = "Information",
            ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{http}",
            ["Kestrel:Endpoints:Https:Url"] = $"https://127.0.0.1:{https}",
            ["Kestrel:Endpoints:Https:Certificate:Path"] = Path.Combine(_dir, "server.crt"),
            ["Kestrel:Endpoints:Https:Certificate:KeyPath"] = Path.Combine(_dir, "server.key"),
        };
        using var server = await ServerProcess.StartAsync(settings);

        X509Certificate2? presented = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, errors) =>
            {
                presented = cert is null ? null : X509CertificateLoader.LoadCertificate(cert.RawData);
                return errors == SslPolicyErrors.RemoteCertificateChainErrors && cert?.Thumbprint == certificate.Thumbprint; // self-signed: only the chain is "wrong"
            },
        };
        using var tls = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{https}/") };

        // The process is ready on HTTP; Kestrel binds the endpoints one after the other, so poll HTTPS with a deadline.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpResponseMessage? ready = null;
        while (ready is null)
        {
            try
            {
                ready = await tls.GetAsync("readyz");
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }

        using var readyResponse = ready;
        Assert.True(ready.StatusCode == HttpStatusCode.OK, server.Output);
        Assert.Equal(certificate.Thumbprint, presented?.Thumbprint);
        presented?.Dispose();

        using var plain = await server.Client.GetAsync("readyz");
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.DoesNotContain("Overriding address", server.Output, StringComparison.Ordinal);
    }
}
