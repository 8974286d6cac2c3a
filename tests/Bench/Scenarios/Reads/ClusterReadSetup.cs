using CacheCluster.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Bench.Scenarios.Reads;

/// <summary>
/// How S2 sets up CacheCluster's reading side: client options for its own client host, and how to get the cache the
/// callers read through from that host's services. The report prints <see cref="Description"/> beside the figures.
/// </summary>
internal sealed record ClusterReadSetup(string Description, bool NearCache, Action<CacheClusterClientOptions> Configure, Func<IServiceProvider, IClusterCache> Resolve)
{
    /// <summary>Every read goes to the entry's grain: this branch has no client near cache.</summary>
    public static ClusterReadSetup WithoutNearCache { get; } = new(
        "CacheCluster client, near cache off (every read goes to the key's grain)",
        NearCache: false,
        Configure: _ => { },
        Resolve: services => services.GetRequiredService<IClusterCache>());
}
