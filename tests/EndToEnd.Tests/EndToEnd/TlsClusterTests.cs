using CacheCluster.Hosting;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CacheCluster.Tests.EndToEnd;

/// <summary>
/// TLS on Orleans traffic (<c>CacheCluster:Tls</c>), with certificates the test makes: two silo processes on Redis
/// talk to each other and to TLS clients; a plaintext client, or one with a certificate nobody trusts, gets nothing.
/// </summary>
[Collection(EndToEndRedisCollection.Name)]
public sealed class TlsClusterTests
{
    private const int KeyCount = 12;

    [Fact]
    public async Task TlsSilos_TalkToEachOtherAndToTlsClients_AndRefusePlaintextOrUntrustedClients()
    {
        using var certificates = TestCertificates.Create();
        await using var redis = await RedisServer.StartAsync();
        var identity = ClusterIdentity.New("tls");
        await using var silos = await SiloGroup.StartAsync(
            2,
            identity,
            $"--CacheCluster:Redis={redis.ConnectionString}",
            $"--CacheCluster:Tls:CertificatePath={certificates.ClusterPfx}",
            $"--CacheCluster:Tls:CertificatePassword={certificates.PfxPassword}");

        // Each client knows one gateway only. Every key's grain lives on one silo, so for every key either the write
        // (through the first silo) or the read (through the second) crossed between the silos, over TLS.
        using var writer = await StartClientAsync(identity, silos[0], tls => (tls.CertificatePath, tls.CertificatePassword) = (certificates.ClusterPfx, certificates.PfxPassword));
        using var reader = await StartClientAsync(identity, silos[1], tls => (tls.CertificatePath, tls.KeyPath) = (certificates.ClusterCertificatePem, certificates.ClusterKeyPem));
        var keys = Enumerable.Range(0, KeyCount).Select(i => $"tls:{i}:{Guid.NewGuid():N}").ToList();
        foreach (var key in keys)
        {
            await writer.Services.GetRequiredService<IClusterCache>().SetAsync(key, "value-" + key);
        }

        foreach (var key in keys)
        {
            Assert.Equal("value-" + key, (await reader.Services.GetRequiredService<IClusterCache>().TryGetAsync<string>(key)).Value);
        }

        // The CLI connects with its --tls-* options (PEM certificate and key).
        var read = await CliRunner.RunAsync([.. silos[1].CliConnection, "--tls-certificate", certificates.ClusterCertificatePem, "--tls-key", certificates.ClusterKeyPem, "get", keys[0]]);
        Assert.True(read.ExitCode == 0 && read.Stdout.TrimEnd() == $"value-{keys[0]}", read.ToString());

        // No TLS, or a certificate the cluster does not trust: the gateway never completes a connection (exit 3).
        string[] quick = ["--gateway", silos[1].Gateway, .. identity.CliArguments, "--connect-timeout", "5"];
        var plaintext = await CliRunner.RunAsync([.. quick, "get", keys[0]]);
        Assert.True(plaintext.ExitCode == 3, plaintext.ToString());
        var stranger = await CliRunner.RunAsync([.. quick, "--tls-certificate", certificates.StrangerPem, "get", keys[0]]);
        Assert.True(stranger.ExitCode == 3, stranger.ToString());
        Assert.DoesNotContain(certificates.PfxPassword, silos[0].Output + silos[1].Output, StringComparison.Ordinal);
    }

    private static async Task<IHost> StartClientAsync(ClusterIdentity identity, SiloProcess gateway, Action<CacheClusterTlsOptions> tls)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddCacheClusterClient(options =>
        {
            options.WaitForCluster = true;
            options.Gateways.Add(gateway.Gateway);
            options.ClusterId = identity.ClusterId;
            options.ServiceId = identity.ServiceId;
            tls(options.Tls);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
