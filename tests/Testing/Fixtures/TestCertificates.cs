using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CacheCluster.Tests.Fixtures;

/// <summary>
/// Certificates made by the test itself (valid from a day ago for two days), written to a temporary directory:
/// a self-signed certificate shared by a cluster (as a password-protected PFX and as unencrypted PEM), a CA with a
/// server certificate it issued (for a TLS Redis), and a stranger's self-signed certificate nobody trusts.
/// Every certificate names <c>localhost</c> and 127.0.0.1 and allows server and client authentication.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(string directory, string password)
    {
        Directory = directory;
        PfxPassword = password;
    }

    public string Directory { get; }

    /// <summary>Gets the cluster certificate as PKCS#12, protected by <see cref="PfxPassword"/>.</summary>
    public string ClusterPfx => Path.Combine(Directory, "cluster.pfx");

    public string PfxPassword { get; }

    /// <summary>Gets the same cluster certificate as PEM, with its unencrypted key in <see cref="ClusterKeyPem"/>.</summary>
    public string ClusterCertificatePem => Path.Combine(Directory, "cluster.crt");

    public string ClusterKeyPem => Path.Combine(Directory, "cluster.key");

    public string CaPem => Path.Combine(Directory, "ca.crt");

    /// <summary>Gets a server certificate issued by the CA in <see cref="CaPem"/>, its key in <see cref="ServerKeyPem"/>.</summary>
    public string ServerCertificatePem => Path.Combine(Directory, "server.crt");

    public string ServerKeyPem => Path.Combine(Directory, "server.key");

    /// <summary>Gets a self-signed certificate (key included) that no test configuration trusts.</summary>
    public string StrangerPem => Path.Combine(Directory, "stranger.pem");

    public static TestCertificates Create()
    {
        var directory = TestProcesses.CreateDirectory("cachecluster-tls-");
        var certificates = new TestCertificates(directory, "pfx-" + Guid.NewGuid().ToString("N"));
        var now = TimeProvider.System.GetUtcNow();
        var (from, until) = (now.AddDays(-1), now.AddDays(1));

        using (var clusterKey = RSA.Create(2048))
        using (var cluster = Request("CN=cachecluster", clusterKey).CreateSelfSigned(from, until))
        {
            File.WriteAllBytes(certificates.ClusterPfx, cluster.Export(X509ContentType.Pkcs12, certificates.PfxPassword));
            File.WriteAllText(certificates.ClusterCertificatePem, cluster.ExportCertificatePem());
            File.WriteAllText(certificates.ClusterKeyPem, clusterKey.ExportPkcs8PrivateKeyPem());
        }

        using (var caKey = RSA.Create(2048))
        using (var serverKey = RSA.Create(2048))
        {
            var caRequest = new CertificateRequest("CN=cachecluster test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
            using var ca = caRequest.CreateSelfSigned(from, until);
            using var server = Request("CN=localhost", serverKey).Create(ca, from, until, Guid.NewGuid().ToByteArray()[..8]);
            File.WriteAllText(certificates.CaPem, ca.ExportCertificatePem());
            File.WriteAllText(certificates.ServerCertificatePem, server.ExportCertificatePem());
            File.WriteAllText(certificates.ServerKeyPem, serverKey.ExportPkcs8PrivateKeyPem());
        }

        using (var strangerKey = RSA.Create(2048))
        using (var stranger = Request("CN=stranger", strangerKey).CreateSelfSigned(from, until))
        {
            File.WriteAllText(certificates.StrangerPem, stranger.ExportCertificatePem() + Environment.NewLine + strangerKey.ExportPkcs8PrivateKeyPem());
        }

        return certificates;
    }

    public void Dispose() => TestProcesses.DeleteDirectory(Directory);

    private static CertificateRequest Request(string subject, RSA key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        return request;
    }
}
