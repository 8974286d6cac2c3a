using CacheCluster.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CacheCluster.Http.Health;

/// <summary>Ready when Redis answers a PING (Redis mode); always ready in embedded mode, which has no Redis.</summary>
internal sealed class RedisHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await CacheClusterRedis.PingAsync(services, cancellationToken).ConfigureAwait(false) is { } latency
                ? HealthCheckResult.Healthy($"Redis answered in {latency.TotalMilliseconds:0.#} ms.")
                : HealthCheckResult.Healthy("Embedded mode: no Redis.");
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException or ObjectDisposedException)
        {
            // The connection string (and its password) stays out of the answer.
            return HealthCheckResult.Unhealthy($"Redis did not answer: {ex.GetType().Name}.");
        }
    }
}
