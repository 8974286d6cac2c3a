using CacheCluster;
using CacheCluster.Internal;
using CacheCluster.Resilience;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the cluster client's health to the application's health checks.</summary>
public static class CacheClusterHealthCheckBuilderExtensions
{
    /// <summary>
    /// Adds a health check on the cluster client: Healthy while it is connected, its circuit breaker closed and no write
    /// waits for the cluster; otherwise <paramref name="failureStatus"/>, with the breaker state and the queue length.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status reported while the cluster is unreachable. Default: Degraded (the application answers through the fallbacks).</param>
    /// <param name="tags">The check's tags.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddCacheClusterHealthCheck(this IHealthChecksBuilder builder, string name = "cachecluster", HealthStatus failureStatus = HealthStatus.Degraded, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new CacheClusterHealthCheck(sp.GetRequiredService<IClusterCache>(), sp.GetService<ClusterConnectionMonitor>()),
            failureStatus,
            tags));
    }
}
