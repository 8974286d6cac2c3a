using CacheCluster.Entries;
using CacheCluster.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Http.Hosting;

/// <summary>What the endpoints share: the grain factory (local calls in a silo), limits, the cache clock and HTTP options.</summary>
internal sealed class CacheHttpApi(
    IGrainFactory grains,
    IOptions<CacheClusterOptions> clusterOptions,
    IOptions<InvalidationOptions> invalidationOptions,
    IOptions<CacheClusterHttpOptions> httpOptions,
    [FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider clock)
{
    public IGrainFactory Grains { get; } = grains;

    public CacheClusterOptions Cluster { get; } = clusterOptions.Value;

    /// <summary>Gets the silo's invalidation settings (the largest event accepted).</summary>
    public InvalidationOptions Invalidation { get; } = invalidationOptions.Value;

    public CacheClusterHttpOptions Http { get; } = httpOptions.Value;

    /// <summary>Gets the cache clock: freshness, Age and Date are computed from it.</summary>
    public TimeProvider Clock { get; } = clock;

    /// <summary>Returns the grain of a key after checking the key against the silo's limits.</summary>
    public ICacheEntryGrain Entry(string key)
    {
        CacheKey.Validate(key, Cluster.MaxKeyBytes);
        return EntryGrainReferences.Get(Grains, key);
    }
}
