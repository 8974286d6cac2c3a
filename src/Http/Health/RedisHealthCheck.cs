using CacheCluster.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CacheCluster.Http.Health;

/// <summary>Ready when Redis answers a PING (Redis mode); always ready in embedded mode, which has no Redis.</summary>
internal sealed class RedisHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService(typeof(RedisConnection)) is not RedisConnection redis)
        {
            return HealthCheckResult.Healthy("Embedded mode: no Redis.");
        }

        try
        {
            var database = await redis.GetDatabaseAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            var latency = await database.PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Redis answered in {latency.TotalMilliseconds:0.#} ms.");
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException or ObjectDisposedException)
        {
            // The connection string (and its password) stays out of the answer.
            return HealthCheckResult.Unhealthy($"Redis did not answer: {ex.GetType().Name}.");
        }
    }
}
