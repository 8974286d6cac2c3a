using CacheCluster.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Bench.Reads;

/// <summary>
/// How S2 sets up CacheCluster's reading side: client options for its own client host, and how to get the cache the
/// callers read through from that host's services. The report prints <see cref="Description"/> beside the figures.
/// </summary>
internal sealed record ClusterReadSetup(string Description, bool NearCache, Action<CacheClusterClientOptions> Configure, Func<IServiceProvider, IClusterCache> Resolve)
{
    /// <summary>
    /// Reads go through the client near cache, sized to hold the whole key space: a miss reads the entry's grain with
    /// tracking, and the grain tells the client once when the entry changes.
    /// </summary>
    public static ClusterReadSetup WithNearCache { get; } = new(
        "CacheCluster client, near cache on (per-key tracking, 60 s safety TTL)",
        NearCache: true,
        Configure: options =>
        {
            options.NearCache.Enabled = true;
            options.NearCache.MaxEntries = 200_000;
            options.NearCache.MaxBytes = 512L * 1024 * 1024;
        },
        Resolve: services => services.GetRequiredService<IClusterCache>());

    /// <summary>Every read goes to the entry's grain.</summary>
    public static ClusterReadSetup WithoutNearCache { get; } = new(
        "CacheCluster client, near cache off (every read goes to the key's grain)",
        NearCache: false,
        Configure: _ => { },
        Resolve: services => services.GetRequiredService<IClusterCache>());
}
