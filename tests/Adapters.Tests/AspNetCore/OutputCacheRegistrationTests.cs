using CacheCluster.AspNetCore.OutputCaching;
using CacheCluster.Hosting;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.AspNetCore;

public sealed class OutputCacheRegistrationTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AddCacheClusterOutputCache_AddOutputCacheBeforeOrAfter_StoreIsTheClusters(bool addOutputCacheFirst)
    {
        var services = new ServiceCollection().AddLogging();
        if (addOutputCacheFirst)
        {
            services.AddOutputCache();
        }

        services.AddCacheClusterOutputCache(options => options.Gateways.Add("127.0.0.1:30000"));
        if (!addOutputCacheFirst)
        {
            services.AddOutputCache(options => options.DefaultExpirationTimeSpan = TimeSpan.FromMinutes(5));
        }

        await using var provider = services.BuildServiceProvider();

        Assert.Single(services, d => d.ServiceType == typeof(IOutputCacheStore));
        Assert.IsType<CacheClusterOutputCacheStore>(provider.GetRequiredService<IOutputCacheStore>());
    }

    [Fact]
    public void AddCacheClusterOutputCache_ByItself_AddsTheOutputCacheServices()
    {
        var services = new ServiceCollection().AddLogging();

        services.AddCacheClusterOutputCache();

        // What UseOutputCache needs besides the store: AddOutputCache's options setup and object pool.
        Assert.Contains(services, d => d.ServiceType == typeof(IConfigureOptions<OutputCacheOptions>));
        Assert.Contains(services, d => d.ServiceType == typeof(Microsoft.Extensions.ObjectPool.ObjectPoolProvider));
    }

    [Fact]
    public async Task AddCacheClusterOutputCache_Configuration_BindsTheCacheClusterSectionThenConfigure()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["CacheCluster:MaxKeyBytes"] = "300", ["CacheCluster:ClusterId"] = "bound" })
            .Build();
        var services = new ServiceCollection().AddLogging();

        services.AddCacheClusterOutputCache(configuration, options => options.ServiceId = "configured");

        await using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<CacheClusterClientOptions>>().Value;
        Assert.Equal(300, options.MaxKeyBytes);
        Assert.Equal("bound", options.ClusterId);
        Assert.Equal("configured", options.ServiceId);
        Assert.IsType<CacheClusterOutputCacheStore>(provider.GetRequiredService<IOutputCacheStore>());
    }

    [Fact]
    public void AddCacheClusterOutputCache_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddCacheClusterOutputCache());
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddCacheClusterOutputCache((IConfiguration)null!));
    }
}
