using CacheCluster.Bench.Reporting;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CacheCluster.Bench.Targets;

/// <summary>
/// CacheCluster's HybridCache as an application registers it (<c>AddCacheClusterHybridCache</c>), on the run's
/// gateways, with the same default entry options as Microsoft's (<see cref="PeerCaches.HybridEntryOptions"/>). Its L1
/// is the client's tracked near cache, sized like S2's to hold the whole key space; its safety TTL is raised to the
/// entries' LocalCacheExpiration, so that the near copy lives as long as Microsoft's L1 copy.
/// </summary>
internal static class ClusterHybridCaches
{
    public const string Setup = "CacheCluster HybridCache (AddCacheClusterHybridCache): tracked near cache (200,000 entries, 512 MiB, safety TTL 1 h) + cluster; Expiration and LocalCacheExpiration 1 h";

    /// <summary>Starts one application node: a host with its own Orleans client and near cache.</summary>
    public static async Task<IHost> StartAsync(IReadOnlyList<string> gateways, string clusterId, string serviceId, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddCacheClusterHybridCache(options =>
        {
            options.WaitForCluster = true;
            foreach (var gateway in gateways)
            {
                options.Gateways.Add(gateway);
            }

            options.ClusterId = clusterId;
            options.ServiceId = serviceId;
            options.ConnectTimeout = TimeSpan.FromSeconds(30);
            options.NearCache.MaxEntries = 200_000;
            options.NearCache.MaxBytes = 512L * 1024 * 1024;
            options.NearCache.MaxTimeToLive = PeerCaches.EntryDuration;
        });
        builder.Services.Configure<HybridCacheOptions>(options => options.DefaultEntryOptions = PeerCaches.HybridEntryOptions);
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    public static HybridCacheTarget Target(IHost host) =>
        new(host.Services.GetRequiredService<HybridCache>(), HybridComparisonRow.CacheClusterTarget, Setup);
}
