using CacheCluster.Internal;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CacheCluster.Resilience;

/// <summary>
/// The application's view of the cluster: healthy while the client is connected, its circuit breaker closed and no
/// write waits; otherwise the registration's failure status (Degraded by default: the application still answers,
/// only slower, so a load balancer should not take it out).
/// </summary>
internal sealed class CacheClusterHealthCheck(IClusterCache cache, ClusterConnectionMonitor? monitor) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (cache is not ClusterCache clusterCache)
        {
            return Task.FromResult(HealthCheckResult.Healthy("The registered IClusterCache is not CacheCluster's own client."));
        }

        var state = clusterCache.Resilience;
        var connected = monitor?.IsConnected ?? true;
        var data = new Dictionary<string, object>
        {
            ["connected"] = connected,
            ["breaker"] = state.Breaker.State.ToString(),
            ["queuedWrites"] = state.Queue.Count,
        };

        if (connected && state.Breaker.State == CircuitBreakerState.Closed && state.Queue.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy("The cluster answers.", data));
        }

        var description = !connected ? "The client has no connection to a gateway; calls answer through the fallbacks."
            : state.Breaker.State != CircuitBreakerState.Closed ? $"The circuit breaker is {state.Breaker.State}; calls answer through the fallbacks."
            : $"{state.Queue.Count} writes wait for the cluster.";
        return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, description, data: data));
    }
}
