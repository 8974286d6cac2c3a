using System.Security.Cryptography.X509Certificates;
using CacheCluster.Hosting;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Hosting;

/// <summary>Which peer certificates <c>CacheCluster:Tls</c> accepts, and the start-up errors for unusable files.</summary>
public sealed class TlsCredentialsTests : IDisposable
{
    private const string Prefix = "CacheCluster:Tls:";
    private readonly TestCertificates _certificates = TestCertificates.Create();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public void Accepts_OwnCertificate_AndCertificatesIssuedByTheConfiguredCa_NothingElse()
    {
        var failures = new List<string>();
        var credentials = TlsCredentials.Load(
            new CacheClusterTlsOptions { CertificatePath = _certificates.ClusterPfx, CertificatePassword = _certificates.PfxPassword, CaCertificatePath = _certificates.CaPem },
            Prefix,
            requireCertificate: true,
            failures);

        Assert.Empty(failures);
        Assert.NotNull(credentials);
        Assert.True(credentials.Accepts(X509CertificateLoader.LoadCertificateFromFile(_certificates.ClusterCertificatePem)));
        Assert.True(credentials.Accepts(X509CertificateLoader.LoadCertificateFromFile(_certificates.ServerCertificatePem)));
        Assert.False(credentials.Accepts(X509Certificate2.CreateFromPemFile(_certificates.StrangerPem)));

        // Without a CA, only the shared certificate itself.
        var pinned = TlsCredentials.Load(new CacheClusterTlsOptions { CertificatePath = _certificates.ClusterCertificatePem, KeyPath = _certificates.ClusterKeyPem }, Prefix, true, failures)!;
        Assert.True(pinned.Accepts(X509CertificateLoader.LoadCertificateFromFile(_certificates.ClusterCertificatePem)));
        Assert.False(pinned.Accepts(X509CertificateLoader.LoadCertificateFromFile(_certificates.ServerCertificatePem)));
    }

    [Fact]
    public void Load_UnusableFiles_NameTheKey_AndNeverThePassword()
    {
        var failures = new List<string>();

        Assert.Null(TlsCredentials.Load(new CacheClusterTlsOptions { CertificatePath = _certificates.ClusterPfx, CertificatePassword = "wrong-secret" }, Prefix, true, failures));
        Assert.Null(TlsCredentials.Load(new CacheClusterTlsOptions { CertificatePath = _certificates.ClusterCertificatePem }, Prefix, true, failures));
        Assert.Null(TlsCredentials.Load(new CacheClusterTlsOptions { CaCertificatePath = _certificates.CaPem }, Prefix, true, failures));
        Assert.Null(TlsCredentials.Load(new CacheClusterTlsOptions { CertificatePath = _certificates.CaPem + ".missing" }, Prefix, true, failures));

        Assert.Collection(
            failures,
            f => Assert.Contains("CacheCluster:Tls:CertificatePassword", f, StringComparison.Ordinal),
            f => Assert.Contains("CacheCluster:Tls:KeyPath", f, StringComparison.Ordinal),
            f => Assert.StartsWith("CacheCluster:Tls:CertificatePath is required", f, StringComparison.Ordinal),
            f => Assert.StartsWith("CacheCluster:Tls:CertificatePath: the file", f, StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("wrong-secret", StringComparison.Ordinal));

        // A client may do without a certificate of its own when it names a CA.
        Assert.NotNull(TlsCredentials.Load(new CacheClusterTlsOptions { CaCertificatePath = _certificates.CaPem }, Prefix, requireCertificate: false, failures = []));
        Assert.Empty(failures);
    }
}
