using CacheCluster.Eviction;
using CacheCluster.Expiry;
using CacheCluster.Invalidation;
using CacheCluster.Invalidation.Stream;
using CacheCluster.RateLimiting.Internal;
using CacheCluster.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CacheCluster.Hosting;

/// <summary>The one place that picks the silo's stores: all in Redis, or all in memory (the embedded mode).</summary>
internal static class CacheClusterStoreRegistration
{
    public static IServiceCollection AddCacheClusterStores(this IServiceCollection services, RedisConnection? redis)
    {
        // Every entry grain takes the write-behind queue; only Redis mode uses it (the memory store has each write at once).
        services.TryAddSingleton<WriteBehindQueue>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<WriteBehindQueue>());
        if (redis is not null)
        {
            services.AddSingleton(_ => redis);
            services.TryAddSingleton<IEntryStore, RedisEntryStore>();
            services.TryAddSingleton<IRateLimitStore, RedisRateLimitStore>();
            services.TryAddSingleton<ITagIndex, RedisTagIndex>();
            services.TryAddSingleton<IKeyIndex, RedisKeyIndex>();
            services.TryAddSingleton<IInvalidationLog, RedisInvalidationLog>();
            return services;
        }

        services.TryAddSingleton<MemoryTagIndex>();
        services.TryAddSingleton<MemoryKeyIndex>();
        services.TryAddSingleton<ITagIndex>(sp => sp.GetRequiredService<MemoryTagIndex>());
        services.TryAddSingleton<IKeyIndex>(sp => sp.GetRequiredService<MemoryKeyIndex>());
        services.TryAddSingleton<IInvalidationLog, MemoryInvalidationLog>();
        services.TryAddSingleton<MemoryRateLimitStore>();
        services.TryAddSingleton<IRateLimitStore>(sp => sp.GetRequiredService<MemoryRateLimitStore>());
        services.AddSingleton<IExpirySweep>(sp => sp.GetRequiredService<MemoryRateLimitStore>());
        services.TryAddSingleton(sp => new MemoryEntryStore(sp.GetRequiredService<MemoryTagIndex>(), sp.GetRequiredService<MemoryKeyIndex>(), sp.GetRequiredService<EvictionTrigger>()));
        services.TryAddSingleton<IEntryStore>(sp => sp.GetRequiredService<MemoryEntryStore>());
        services.AddSingleton<IExpirySweep>(sp => sp.GetRequiredService<MemoryEntryStore>());
        return services;
    }
}
