using CacheCluster.Hosting;
using CacheCluster.Internal;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;

namespace CacheCluster.Tests.Client;

[Collection(CoHostedSiloCollection.Name)]
public sealed class CoHostingTests(CoHostedSilo silo)
{
    private IClusterCache Cache => silo.Host.Services.GetRequiredService<IClusterCache>();

    [Fact]
    public void CoHosted_RegistersNoOrleansClient_AndUsesTheSilosOwn()
    {
        // The Orleans client's runtime (OutsideRuntimeClient), its gateway manager, connect-retry filter and messaging
        // options are registered only by AddOrleansClient: none is here. The one IClusterClient is the silo's.
        Assert.DoesNotContain(silo.Services, d => d.ImplementationType?.Name is "OutsideRuntimeClient" or "GatewayManager");
        Assert.DoesNotContain(silo.Services, d => d.ServiceType == typeof(IClientConnectionRetryFilter));
        Assert.DoesNotContain(silo.Services, d => d.ServiceType == typeof(Microsoft.Extensions.Options.IConfigureOptions<ClientMessagingOptions>));
        Assert.Single(silo.Services, d => d.ServiceType == typeof(IClusterClient));
        Assert.Single(silo.Services, d => d.ServiceType == typeof(IClusterCache) && !d.IsKeyedService);
        Assert.True(ClusterClientRegistration.Find(silo.Services)!.CoHosted);
        Assert.NotNull(silo.Host.Services.GetService<ILocalSiloDetails>());
    }

    [Fact]
    public async Task CoHosted_SetGetGetOrSetAndRateLimit_Work()
    {
        var key = CacheTestCluster.NewKey("cohost");
        var runs = 0;

        Assert.True((await Cache.SetAsync(key, "v1")).Written);
        Assert.Equal("v1", (await Cache.TryGetAsync<string>(key)).Value);
        var filled = await Cache.GetOrSetAsync(key + ":fill", _ => { runs++; return Task.FromResult<string?>("computed"); });
        var again = await Cache.GetOrSetAsync(key + ":fill", _ => { runs++; return Task.FromResult<string?>("second"); });
        var decision = await silo.Host.Services.GetRequiredService<IClusterRateLimiter>().AcquireAsync(TestPolicies.Fixed, key);

        Assert.Equal("computed", filled);
        Assert.Equal("computed", again);
        Assert.Equal(1, runs);
        Assert.True(decision.Allowed);
        Assert.Equal(9, decision.Remaining);
    }

    [Fact]
    public async Task CoHosted_NearCache_IsToldOfAnotherClientsWrite()
    {
        var cache = Assert.IsType<ClusterCache>(Cache);
        var key = CacheTestCluster.NewKey("cohost-near");
        await cache.SetAsync(key, "v1");
        Assert.Equal("v1", (await cache.TryGetAsync<string>(key)).Value);
        Assert.True(cache.Near.TryGet(key, out _));

        // A separate application server, its client registered twice (as an adapter and its user would): the first
        // call's gateway and service id are wrong, the second call's are right.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddCacheClusterClient(o =>
        {
            o.Gateways.Add("127.0.0.1:1");
            o.ServiceId = "wrong";
        });
        builder.Services.AddCacheClusterClient(o =>
        {
            o.Gateways.Clear();
            o.Gateways.Add($"127.0.0.1:{silo.GatewayPort}");
            o.ServiceId = silo.ServiceId;
            o.WaitForCluster = true;
        });
        using var other = builder.Build();
        await other.StartAsync();
        try
        {
            var invalidated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            cache.Near.Invalidated += k =>
            {
                if (k == key)
                {
                    invalidated.TrySetResult();
                }
            };
            await other.Services.GetRequiredService<IClusterCache>().SetAsync(key, "v2");
            await invalidated.Task.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.False(cache.Near.TryGet(key, out _));
            Assert.Equal("v2", (await cache.TryGetAsync<string>(key)).Value);
            Assert.Single(builder.Services, d => d.ServiceType == typeof(IClusterClient));
        }
        finally
        {
            await other.StopAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public void ClientRegisteredInsideTheSiloConfiguration_IsCoHostedToo()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new());
        builder.UseOrleans(s => s.Services.AddCacheClusterClient());

        Assert.True(ClusterClientRegistration.Find(builder.Services)!.CoHosted);
        Assert.DoesNotContain(builder.Services, d => d.ServiceType == typeof(IClientConnectionRetryFilter));
    }

    [Fact]
    public void ClientBeforeSilo_IsRefusedByOrleans()
    {
        // Orleans allows one client or one silo per services collection, and decides at its first call: a silo added
        // after a client is refused. README tells applications to call UseOrleans first.
        var builder = Host.CreateEmptyApplicationBuilder(new());
        builder.Services.AddCacheClusterClient();

        Assert.Throws<OrleansConfigurationException>(() => builder.UseOrleans(s => s.AddCacheCluster()));
    }
}
