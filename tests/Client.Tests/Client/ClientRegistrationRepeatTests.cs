using CacheCluster.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace CacheCluster.Tests.Client;

/// <summary>AddCacheClusterClient called again (each adapter calls it): one client, one cache, one options instance.</summary>
public sealed class ClientRegistrationRepeatTests
{
    [Fact]
    public void TwoCalls_OneClientOneCacheOneOptions_TheSecondCallsSettingsWin()
    {
        var services = new ServiceCollection()
            .AddCacheClusterClient(o =>
            {
                o.Gateways.Add("127.0.0.1:30001");
                o.ServiceId = "first";
                o.ResponseTimeout = TimeSpan.FromSeconds(4);
            })
            .AddCacheClusterClient(o =>
            {
                o.Gateways.Clear();
                o.Gateways.Add("127.0.0.1:30002");
                o.ServiceId = "second";
                o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(3);
            });
        using var provider = services.BuildServiceProvider();

        Assert.Single(services, d => d.ServiceType == typeof(IClusterClient));
        Assert.Single(services, d => d.ServiceType == typeof(IClusterCache));
        Assert.Single(services, d => d.ServiceType == typeof(IClusterRateLimiter));
        Assert.Single(services, d => d.ServiceType == typeof(IOptions<CacheClusterClientOptions>));
        Assert.Single(services, d => d.ImplementationType?.Name == "OutsideRuntimeClient");
        Assert.IsType<CacheCluster.Internal.ConnectRetryFilter>(provider.GetRequiredService<IClientConnectionRetryFilter>());
        var options = provider.GetRequiredService<IOptions<CacheClusterClientOptions>>().Value;
        Assert.Equal(["127.0.0.1:30002"], options.Gateways);
        Assert.Equal("second", provider.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId);
        Assert.Equal(TimeSpan.FromSeconds(4), provider.GetRequiredService<IOptions<ClientMessagingOptions>>().Value.ResponseTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), provider.GetRequiredService<IOptions<GatewayOptions>>().Value.GatewayListRefreshPeriod);
        var gateway = Assert.Single(provider.GetRequiredService<IOptions<StaticGatewayListProviderOptions>>().Value.Gateways);
        Assert.Equal(30002, gateway.Port);
    }

    [Fact]
    public void ABadValueInTheSecondCall_FailsNamingTheKey()
    {
        var services = new ServiceCollection().AddCacheClusterClient(o => o.ServiceId = "ok");

        var error = Assert.Throws<OptionsValidationException>(() => services.AddCacheClusterClient(o => o.ResponseTimeout = TimeSpan.Zero));

        Assert.Equal("CacheCluster:ResponseTimeout must be greater than zero and at most 10 minutes (was 00:00:00).", Assert.Single(error.Failures));
    }

    [Fact]
    public void ConfigurationBinding_IsAppliedOnEveryCall_InOrder()
    {
        var first = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CacheCluster:ClusterId"] = "from-config",
            ["CacheCluster:ServiceId"] = "from-config",
        }).Build();
        var second = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CacheCluster:ServiceId"] = "second-config",
        }).Build();
        var services = new ServiceCollection()
            .AddCacheClusterClient(first)
            .AddCacheClusterClient(second, o => o.MaxKeyBytes = 200);
        using var provider = services.BuildServiceProvider();

        var cluster = provider.GetRequiredService<IOptions<ClusterOptions>>().Value;
        Assert.Equal("from-config", cluster.ClusterId);
        Assert.Equal("second-config", cluster.ServiceId);
        Assert.Equal(200, provider.GetRequiredService<IOptions<CacheClusterClientOptions>>().Value.MaxKeyBytes);
        var error = Assert.Throws<OptionsValidationException>(() => services.AddCacheClusterClient(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["CacheCluster:ClusterId"] = " " }).Build()));
        Assert.Contains("CacheCluster:ClusterId", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void ALaterCallsClusteringChoice_IsTheOneOrleansResolves()
    {
        var services = new ServiceCollection()
            .AddCacheClusterClient(o => o.Gateways.Add("127.0.0.1:30001"))
            .AddCacheClusterClient(o => o.Redis = "127.0.0.1:6399");

        var provider = services.Last(d => d.ServiceType == typeof(Orleans.Messaging.IGatewayListProvider));

        Assert.Equal("RedisGatewayListProvider", provider.ImplementationType?.Name);
        Assert.Single(services, d => d.ImplementationType?.Name == "OutsideRuntimeClient");
    }
}
