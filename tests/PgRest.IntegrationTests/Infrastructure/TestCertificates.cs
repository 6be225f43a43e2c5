using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PgRest.IntegrationTests.Infrastructure;

/// <summary>
/// A small PKI in PEM files for the TLS server tests: a CA, a server certificate for 127.0.0.1, and client certificates
/// (by common name) signed by the CA or by nobody.
/// </summary>
public sealed class TestCertificates
{
    private readonly X509Certificate2 _ca;

    private TestCertificates(string directory, X509Certificate2 ca)
    {
        Directory = directory;
        _ca = ca;
    }

    public string Directory { get; }

    public string CaFile => Path.Combine(Directory, "ca.crt");

    public static TestCertificates Create(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=pgrest test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var certificates = new TestCertificates(directory, ca);
        File.WriteAllText(certificates.CaFile, ca.ExportCertificatePem());
        return certificates;
    }

    /// <summary>A new CA in a fresh temporary directory.</summary>
    public static TestCertificates CreateTemporary() => Create(Path.Combine(Path.GetTempPath(), "pgrest-pki-" + Guid.NewGuid().ToString("N")[..8]));

    /// <summary>Writes <c>name.crt</c> and <c>name.key</c>; returns their paths.</summary>
    public (string Certificate, string Key) Issue(string name, string commonName, bool server = false, bool signedByCa = true)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }

        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var notAfter = DateTimeOffset.UtcNow.AddMonths(6);
        using var certificate = signedByCa
            ? request.Create(_ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(8))
            : request.CreateSelfSigned(notBefore, notAfter);
        var certificatePath = Path.Combine(Directory, name + ".crt");
        var keyPath = Path.Combine(Directory, name + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }
}
