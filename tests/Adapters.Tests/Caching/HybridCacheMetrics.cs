using System.Diagnostics.Metrics;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Tests.Caching;

/// <summary>The silo-side counters of one cluster.</summary>
internal static class HybridCacheMetrics
{
    public static MetricRecorder RecordSilos(CacheTestCluster cluster) =>
        new(cluster.Cluster.Silos.Select(s => (object)s.SiloHost.Services.GetRequiredService<IMeterFactory>()));
}
