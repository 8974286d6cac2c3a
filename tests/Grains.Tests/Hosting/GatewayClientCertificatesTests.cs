using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CacheCluster.Hosting;

namespace CacheCluster.Tests.Hosting;

/// <summary>
/// Which client certificates a gateway lets in: issued by the configured CA, allowing client authentication (EKU), and
/// on <c>CacheCluster:Tls:AllowedClientCertificates</c> when it lists any. Certificates (ECDSA P-256, fast to make) are made here, in memory.
/// </summary>
public sealed class GatewayClientCertificatesTests : IDisposable
{
    private const string Prefix = "CacheCluster:Tls:";
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    private readonly string _caPath = Path.Combine(Path.GetTempPath(), $"cachecluster-gateway-ca-{Guid.NewGuid():N}.crt");
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _ca;
    private readonly TlsCredentials _credentials;

    public GatewayClientCertificatesTests()
    {
        var now = TimeProvider.System.GetUtcNow();
        var request = new CertificateRequest("CN=gateway test CA", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        _ca = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        File.WriteAllText(_caPath, _ca.ExportCertificatePem());
        var failures = new List<string>();
        _credentials = TlsCredentials.Load(new CacheClusterTlsOptions { CaCertificatePath = _caPath }, Prefix, requireCertificate: false, failures)!;
        Assert.Empty(failures);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
        File.Delete(_caPath);
    }

    [Fact]
    public void Accepts_ClientAuthCertificateFromTheCa_RefusesOneWithoutTheUsage_OrWithNoUsageAtAll()
    {
        using var client = Issue("CN=ops", GatewayClientCertificates.ClientAuthenticationOid);
        using var serverOnly = Issue("CN=ops", ServerAuthentication);
        using var noUsage = Issue("CN=ops");
        var rule = new GatewayClientCertificates([]);

        Assert.Equal(
            (true, false, false),
            (rule.Accepts(_credentials, client), rule.Accepts(_credentials, serverOnly), rule.Accepts(_credentials, noUsage)));
    }

    [Fact]
    public void Accepts_ClientAuthCertificateNotFromTheCa_IsRefused()
    {
        using var strangerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=ops", strangerKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(GatewayClientCertificates.ClientAuthenticationOid)], false));
        var now = TimeProvider.System.GetUtcNow();
        using var stranger = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        Assert.False(new GatewayClientCertificates([]).Accepts(_credentials, stranger));
    }

    [Fact]
    public void AllowList_ByThumbprintSubjectOrCommonName_AdmitsOnlyListedCertificates()
    {
        using var ops = Issue("CN=ops, O=Example", GatewayClientCertificates.ClientAuthenticationOid);
        using var deploy = Issue("CN=deploy, O=Example", GatewayClientCertificates.ClientAuthenticationOid);
        using var app = Issue("CN=app, O=Example", GatewayClientCertificates.ClientAuthenticationOid);
        using var other = Issue("CN=other, O=Example", GatewayClientCertificates.ClientAuthenticationOid);
        var sha1 = string.Join(':', Convert.ToHexString(ops.GetCertHash(HashAlgorithmName.SHA1)).Chunk(2).Select(pair => new string(pair))).ToLowerInvariant();
        var sha256 = deploy.GetCertHashString(HashAlgorithmName.SHA256);
        var rule = new GatewayClientCertificates([sha1, sha256, "cn=app, o=example"]);
        var byName = new GatewayClientCertificates(["other"]);

        Assert.Equal(
            (true, true, true, false),
            (rule.Accepts(_credentials, ops), rule.Accepts(_credentials, deploy), rule.Accepts(_credentials, app), rule.Accepts(_credentials, other)));
        Assert.Equal((false, true), (byName.Accepts(_credentials, ops), byName.Accepts(_credentials, other)));
    }

    [Fact]
    public void AllowList_DoesNotExcuseAMissingClientAuthUsage()
    {
        using var serverOnly = Issue("CN=ops", ServerAuthentication);

        Assert.False(new GatewayClientCertificates(["ops", serverOnly.Thumbprint]).Accepts(_credentials, serverOnly));
    }

    [Fact]
    public void Validator_AllowListWithoutClientCertificatesOrTls_OrWithAnEmptyEntry_NamesTheKey()
    {
        var validator = new CacheClusterTlsOptionsValidator();
        var noClientCertificates = new CacheClusterTlsOptions { CaCertificatePath = _caPath, RequireClientCertificate = false };
        noClientCertificates.AllowedClientCertificates.AddRange(["ops", " "]);
        var off = new CacheClusterTlsOptions();
        off.AllowedClientCertificates.Add("ops");

        var failures = validator.Validate(null, noClientCertificates).Failures!.ToList();
        var offFailures = validator.Validate(null, off).Failures!.ToList();

        Assert.Contains(failures, f => f.StartsWith("CacheCluster:Tls:AllowedClientCertificates is set while CacheCluster:Tls:RequireClientCertificate is off", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("CacheCluster:Tls:AllowedClientCertificates has an empty entry", StringComparison.Ordinal));
        Assert.Equal(["CacheCluster:Tls:AllowedClientCertificates is set but TLS is off: set CacheCluster:Tls:CertificatePath too."], offFailures);
    }

    private X509Certificate2 Issue(string subject, params string[] usages)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        if (usages.Length > 0)
        {
            var oids = new OidCollection();
            foreach (var usage in usages)
            {
                oids.Add(new Oid(usage));
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
        }

        var now = TimeProvider.System.GetUtcNow();
        return request.Create(_ca, now.AddHours(-1), now.AddHours(1), Guid.NewGuid().ToByteArray()[..8]);
    }
}
