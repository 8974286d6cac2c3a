using System.Reflection;
using CacheCluster.AspNetCore.OutputCaching;
using CacheCluster.Caching.Distributed;
using CacheCluster.Caching.Hybrid;
using CacheCluster.Hosting;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Hosting;

namespace CacheCluster.Tests.Hosting;

/// <summary>
/// The adapters' registration in an application that hosts a silo, and the split of the adapters by what they depend
/// on. Nothing is started: the running co-hosted shop is the README test's (ReadmeBlockRunTests.ShopBlocks_RunAsWritten_AgainstTheShop).
/// </summary>
public sealed class AdapterHostingTests
{
    [Fact]
    public void AllThreeAdaptersAfterUseOrleans_AreCoHostedOverTheSilosClient_WithNoOrleansClientOfTheirOwn()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new());
        builder.UseOrleans(silo => silo.AddCacheCluster());
        builder.Services.AddCacheClusterHybridCache();
        builder.Services.AddCacheClusterDistributedCache();
        builder.Services.AddCacheClusterOutputCache();

        Assert.True(ClusterClientRegistration.Find(builder.Services)!.CoHosted);
        Assert.DoesNotContain(builder.Services, d => d.ImplementationType?.Name is "OutsideRuntimeClient" or "GatewayManager");
        Assert.DoesNotContain(builder.Services, d => d.ServiceType == typeof(IClientConnectionRetryFilter));
        Assert.Single(builder.Services, d => d.ServiceType == typeof(IClusterClient));
        Assert.Single(builder.Services, d => d.ServiceType == typeof(IClusterCache) && !d.IsKeyedService);

        using var host = builder.Build();
        Assert.IsType<CacheClusterHybridCache>(host.Services.GetRequiredService<HybridCache>());
        Assert.IsType<CacheClusterDistributedCache>(host.Services.GetRequiredService<IDistributedCache>());
        Assert.IsType<CacheClusterOutputCacheStore>(host.Services.GetRequiredService<IOutputCacheStore>());
    }

    [Fact]
    public void CoreClientAndCachingAdapter_ReferenceNoAspNetCore_OutputCacheAdapterDoes()
    {
        static string[] AspNetCore(Assembly assembly) =>
            [.. assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal))];

        Assert.Empty(AspNetCore(typeof(IClusterCache).Assembly));
        Assert.Empty(AspNetCore(typeof(CacheClusterHybridCache).Assembly));
        Assert.Contains("Microsoft.AspNetCore.OutputCaching", AspNetCore(typeof(CacheClusterOutputCacheStore).Assembly));
        Assert.Equal("CacheCluster.Client", typeof(IClusterCache).Assembly.GetName().Name);
        Assert.Equal("CacheCluster.Extensions.Caching", typeof(CacheClusterHybridCache).Assembly.GetName().Name);
        Assert.Equal("CacheCluster.AspNetCore", typeof(CacheClusterOutputCacheStore).Assembly.GetName().Name);
    }
}
