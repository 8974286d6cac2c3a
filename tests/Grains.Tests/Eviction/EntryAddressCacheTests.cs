using System.Net;
using CacheCluster.Eviction;
using CacheCluster.Hosting;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Core.Internal;
using Orleans.Hosting;
using Orleans.Runtime.GrainDirectory;

namespace CacheCluster.Tests.Eviction;

/// <summary>The silo's grain-address cache: an entry's address leaves it with the activation, unused ones after the idle timeout.</summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class EntryAddressCacheTests(MemoryClusterFixture fixture)
{
    private static readonly SiloAddress Here = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
    private static readonly SiloAddress There = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 1);

    [Fact]
    public async Task EntryAddressCache_Forget_RemovesTheGoingActivationOnly_NotANewerAddressElsewhere()
    {
        await using var cache = new EntryAddressCache(new ServiceCollection().BuildServiceProvider(), new GrainDirectoryOptions());
        var local = Address("a", Here);
        var moved = Address("b", There);
        cache.AddOrUpdate(local, 1);
        cache.AddOrUpdate(moved, 1);

        cache.Forget(local);
        cache.Forget(Address("b", Here));

        Assert.False(cache.LookUp(local.GrainId, out _, out _));
        Assert.True(cache.LookUp(moved.GrainId, out var kept, out _));
        Assert.Equal(There, kept.SiloAddress);
    }

    [Fact]
    public async Task UseEntryAddressCache_MakesItOrleansCache_WithTheIdleTimeoutAsTimeToLive()
    {
        var services = new ServiceCollection();
        services.Configure<EvictionOptions>(o => o.EntryIdleTimeout = TimeSpan.FromSeconds(30));
        CacheClusterEvictionExtensions.UseEntryAddressCache(services);
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value;
        Assert.Equal(GrainDirectoryOptions.CachingStrategyType.Custom, options.CachingStrategy);
        Assert.Equal(TimeSpan.FromSeconds(30), options.MaximumCacheTTL);
        Assert.Equal(EntryAddressCache.DefaultCacheSize, options.CacheSize);
        Assert.Same(provider.GetRequiredService<EntryAddressCache>(), provider.GetRequiredService<IGrainDirectoryCache>());
    }

    [Theory]
    [InlineData(null, GrainDirectoryOptions.CachingStrategyType.None, CacheClusterSiloBuilderExtensions.LoneSiloLocatorCacheSize)]
    [InlineData("127.0.0.1:6379", GrainDirectoryOptions.CachingStrategyType.Custom, EntryAddressCache.DefaultCacheSize)]
    public void AddCacheCluster_DirectoryCache_NoneAndSmallForALoneEmbeddedSilo_EntryAddressCacheWithRedis(
        string? redis, GrainDirectoryOptions.CachingStrategyType strategy, int size)
    {
        // Orleans' locator makes a cache of CacheSize even when the silo's directory keeps none, and allocates its
        // table up front (9 MB at the default million).
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["CacheCluster:Redis"] = redis });
        builder.UseOrleans(silo => silo.AddCacheCluster(builder.Configuration));
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value;
        Assert.Equal((strategy, size), (options.CachingStrategy, options.CacheSize));
    }

    [Fact]
    public async Task EntryGrain_Deactivated_ItsAddressLeavesTheSilosCache()
    {
        var cluster = fixture.Cluster;
        var key = CacheTestCluster.NewKey("addr");
        await cluster.Cache.SetAsync(key, "v");
        var grain = cluster.Grain(key);
        var grainId = grain.GetGrainId();

        // The silo hosting the activation registered its address in its cache (Orleans does, for local activations).
        var caches = cluster.Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<EntryAddressCache>()).ToArray();
        var hosting = Assert.Single(caches, c => c.LookUp(grainId, out var address, out _) && address.SiloAddress == SiloOf(cluster, c));

        await grain.AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        // Deactivation runs after the call returns: wait for it, with a generous bound.
        var deadline = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(10);
        while (hosting.LookUp(grainId, out _, out _) && TimeProvider.System.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
        }

        Assert.False(hosting.LookUp(grainId, out _, out _));
        Assert.Equal("v", (await cluster.Cache.TryGetAsync<string>(key)).Value);
    }

    private static SiloAddress SiloOf(CacheTestCluster cluster, EntryAddressCache cache) =>
        cluster.Cluster.Silos.Single(s => ReferenceEquals(s.ServiceProvider.GetRequiredService<EntryAddressCache>(), cache)).SiloAddress;

    private static GrainAddress Address(string key, SiloAddress silo) => new()
    {
        GrainId = GrainId.Create("cacheentry", key),
        SiloAddress = silo,
        ActivationId = ActivationId.NewId(),
    };
}
