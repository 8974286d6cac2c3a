using CacheCluster.Tests.EndToEnd;

namespace CacheCluster.Tests.Hardening;

/// <summary>
/// The process side of issue 20's doors: a silo that would open its Orleans gateway off this host without mutual TLS,
/// or that has a short API key, does not start: exit code 2, the configuration key named, the secret not echoed.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SiloDoorTests
{
    [Fact]
    public async Task Silo_NonLoopbackAdvertisedIPWithoutTls_ExitsTwoNamingTheCertificateKey()
    {
        // Refused while the options are checked, before Redis (nobody listens on port 1) or any port is touched.
        var result = await SiloProcess.RunToExitAsync("--CacheCluster:Redis=127.0.0.1:1", "--CacheCluster:AdvertisedIP=192.0.2.10");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("cachecluster-silo: invalid configuration: CacheCluster:Tls:CertificatePath is required: the silo listens on 192.0.2.10 (not loopback)", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("CacheCluster:AllowInsecureTransport=true", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(SiloProcess.ReadyLine, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_ApiKeyShorterThan16_ExitsTwoNamingTheKey_WithoutEchoingIt()
    {
        const string Short = "tiny-key-4711";

        var result = await SiloProcess.RunToExitAsync($"--CacheCluster:Http:ApiKeys:ci:Key={Short}", "--CacheCluster:Http:ApiKeys:ci:Scopes=read");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cachecluster-silo: invalid configuration: CacheCluster:Http:ApiKeys:ci:Key is 13 characters; an API key needs at least 16", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Short, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(SiloProcess.ReadyLine, result.Stdout, StringComparison.Ordinal);
    }
}
