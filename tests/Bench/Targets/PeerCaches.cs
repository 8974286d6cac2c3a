using CacheCluster.Bench.Reporting;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Locking.Distributed.Redis;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace CacheCluster.Bench.Targets;

/// <summary>
/// Builds the peers the way their documentation sets them up on Redis, each in a service provider of its own so
/// that no registration leaks from one into another. Entries live longer than any run (<see cref="EntryDuration"/>).
/// </summary>
internal static class PeerCaches
{
    public static readonly TimeSpan EntryDuration = TimeSpan.FromHours(1);

    public const string FusionSetup = "FusionCache 2.9.0: memory L1 + Redis L2 (Microsoft.Extensions.Caching.StackExchangeRedis, System.Text.Json serializer) + Redis backplane";

    public const string HybridSetup = "HybridCache 10.11.0: memory L1 + Redis L2 (Microsoft.Extensions.Caching.StackExchangeRedis)";

    /// <summary>The entry options both HybridCaches (Microsoft's and CacheCluster's) get as their defaults.</summary>
    public static HybridCacheEntryOptions HybridEntryOptions { get; } = new()
    {
        Expiration = EntryDuration,
        LocalCacheExpiration = EntryDuration,
    };

    public static ServiceProvider CreateFusion(string redis, bool distributedLocker)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddStackExchangeRedisCache(options => options.Configuration = redis);
        var builder = services.AddFusionCache()
            .WithDefaultEntryOptions(options => options.Duration = EntryDuration)
            .WithSerializer(new FusionCacheSystemTextJsonSerializer())
            .WithRegisteredDistributedCache()
            .WithStackExchangeRedisBackplane(options => options.Configuration = redis);
        if (distributedLocker)
        {
            builder.WithRedisDistributedLocker(options => options.Configuration = redis);
        }

        return services.BuildServiceProvider();
    }

    public static ServiceProvider CreateHybrid(string redis)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddStackExchangeRedisCache(options => options.Configuration = redis);
        services.AddHybridCache(options => options.DefaultEntryOptions = HybridEntryOptions);
        return services.BuildServiceProvider();
    }

    public static FusionCacheTarget FusionTarget(ServiceProvider services) => new(services.GetRequiredService<IFusionCache>(), FusionSetup);

    public static HybridCacheTarget HybridTarget(ServiceProvider services) =>
        new(services.GetRequiredService<HybridCache>(), HybridComparisonRow.MicrosoftTarget, HybridSetup);
}
