using Microsoft.Extensions.Caching.Hybrid;

namespace CacheCluster.Caching.Hybrid;

/// <summary>What a tagless call's GetOrSet options are made of: the call's HybridCache options (as given) and its type.</summary>
internal readonly record struct HybridOptionsKey(TimeSpan? Expiration, TimeSpan? LocalCacheExpiration, HybridCacheEntryFlags? Flags, Type Type)
{
    public static HybridOptionsKey For<T>(HybridCacheEntryOptions? options) =>
        new(options?.Expiration, options?.LocalCacheExpiration, options?.Flags, typeof(T));
}
