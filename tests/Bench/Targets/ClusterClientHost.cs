using CacheCluster.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CacheCluster.Bench.Targets;

/// <summary>Starts a CacheCluster client host on the run's gateways; the caller may add client options.</summary>
internal static class ClusterClientHost
{
    public static async Task<IHost> StartAsync(
        IReadOnlyList<string> gateways,
        string clusterId,
        string serviceId,
        Action<CacheClusterClientOptions>? configure,
        CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddCacheClusterClient(options =>
        {
            options.WaitForCluster = true;
            foreach (var gateway in gateways)
            {
                options.Gateways.Add(gateway);
            }

            options.ClusterId = clusterId;
            options.ServiceId = serviceId;
            options.ConnectTimeout = TimeSpan.FromSeconds(30);
            configure?.Invoke(options);
        });
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }
}
