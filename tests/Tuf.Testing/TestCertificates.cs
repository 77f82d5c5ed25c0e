using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tuf.Testing;

/// <summary>Throw-away certificates for TLS tests: a CA, and loopback certificates it issues (ECDSA P-256).</summary>
public static class TestCertificates
{
    /// <summary>A self-signed CA certificate with its private key, valid from yesterday for 30 days.</summary>
    public static X509Certificate2 CreateCa(string commonName = "tuf test CA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    /// <summary>
    /// A certificate issued by <paramref name="ca"/> for 127.0.0.1 (and <paramref name="dnsName"/> when given), usable
    /// by a TLS server and client, with its private key.
    /// </summary>
    public static X509Certificate2 Issue(X509Certificate2 ca, string commonName = "127.0.0.1", string? dnsName = null)
    {
        ArgumentNullException.ThrowIfNull(ca);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        if (dnsName is not null)
        {
            san.AddDnsName(dnsName);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), RandomNumberGenerator.GetBytes(8));
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Writes a certificate (PEM) and, for one with a private key, its key (PKCS#8 PEM).</summary>
    public static void WritePem(X509Certificate2 certificate, string certificatePath, string? keyPath = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem() + "\n");
        if (keyPath is not null)
        {
            using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("the certificate has no ECDSA private key");
            File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        }
    }

    /// <summary>The same certificate loaded as PKCS#12 (Kestrel on Linux wants an exportable key).</summary>
    public static X509Certificate2 ForKestrel(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
