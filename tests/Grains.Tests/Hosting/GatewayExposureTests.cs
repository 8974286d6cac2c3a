using CacheCluster.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CacheCluster.Tests.Hosting;

/// <summary>
/// A silo whose gateway would be reachable off this host without client certificates refuses to start (naming the key
/// that closes it), unless <c>CacheCluster:AllowInsecureTransport</c> lets it, with a warning at start.
/// </summary>
public sealed class GatewayExposureTests
{
    private const string Redis = "127.0.0.1:6379";

    public static TheoryData<string?, string?, string?, bool> Open => new()
    {
        // AdvertisedIP, Redis, TLS CA path (null: TLS off), client certificates required → problem?
        { "10.0.0.5", Redis, null, true },
        { "::", Redis, null, true },
        { "10.0.0.5", Redis, "/ca.crt", false },
        { "127.0.0.1", Redis, null, false },
        { "::1", Redis, null, false },
        { null, Redis, null, false },
        { "10.0.0.5", null, null, false },
    };

    [Theory]
    [MemberData(nameof(Open))]
    public void Problem_OnlyForANonLoopbackRedisSiloWithoutMutualTls(string? advertisedIP, string? redis, string? ca, bool problem)
    {
        var options = new CacheClusterOptions { AdvertisedIP = advertisedIP, Redis = redis };
        var tls = new CacheClusterTlsOptions { CaCertificatePath = ca };

        Assert.Equal(problem, GatewayExposure.Problem(options, tls) is not null);
    }

    [Fact]
    public void Problem_WithoutTls_NamesTheCertificateKeyAndTheOverride()
    {
        var problem = GatewayExposure.Problem(new CacheClusterOptions { AdvertisedIP = "10.0.0.5", Redis = Redis }, new CacheClusterTlsOptions());

        Assert.NotNull(problem);
        Assert.StartsWith("CacheCluster:Tls:CertificatePath is required: the silo listens on 10.0.0.5 (not loopback)", problem, StringComparison.Ordinal);
        Assert.Contains("CacheCluster:AllowInsecureTransport=true", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Problem_TlsWithoutClientCertificates_NamesRequireClientCertificate()
    {
        var tls = new CacheClusterTlsOptions { CertificatePath = "/cluster.pfx", RequireClientCertificate = false };

        var problem = GatewayExposure.Problem(new CacheClusterOptions { AdvertisedIP = "10.0.0.5", Redis = Redis }, tls);

        Assert.NotNull(problem);
        Assert.StartsWith("CacheCluster:Tls:RequireClientCertificate is off while the silo listens on 10.0.0.5", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Problem_ExternalClustering_IsTheHostsBusiness()
    {
        var options = new CacheClusterOptions { AdvertisedIP = "10.0.0.5", Redis = Redis, Clustering = ClusteringMode.External };

        Assert.Null(GatewayExposure.Problem(options, new CacheClusterTlsOptions()));
    }

    [Fact]
    public void Check_NotAllowed_AddsTheFailure_AndRegistersNoWarning()
    {
        var services = new ServiceCollection();
        var failures = new List<string>();

        InsecureTransportWarning.Check(services, new CacheClusterOptions { AdvertisedIP = "10.0.0.5", Redis = Redis }, failures);

        Assert.Single(failures);
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IHostedService));
    }

    [Fact]
    public void Check_Allowed_StartsWithOneWarningService()
    {
        var services = new ServiceCollection();
        var failures = new List<string>();
        var options = new CacheClusterOptions { AdvertisedIP = "10.0.0.5", Redis = Redis, AllowInsecureTransport = true };

        InsecureTransportWarning.Check(services, options, failures);
        InsecureTransportWarning.Check(services, options, failures);

        Assert.Empty(failures);
        Assert.Single(services, d => d.ServiceType == typeof(InsecureTransportWarning));
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
    }

    [Fact]
    public async Task Warning_AtStart_SaysTheOverrideAndTheProblem()
    {
        var logger = new Microsoft.Extensions.Logging.Testing.FakeLogger<InsecureTransportWarning>();
        var warning = new InsecureTransportWarning("CacheCluster:Tls:CertificatePath is required: the gateway is open.", logger);

        await warning.StartAsync(CancellationToken.None);

        var record = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal(
            (Microsoft.Extensions.Logging.LogLevel.Warning, "CacheCluster:AllowInsecureTransport=true lets this silo start although: CacheCluster:Tls:CertificatePath is required: the gateway is open."),
            (record.Level, record.Message));
    }
}
