using CacheCluster.Hosting;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CacheCluster.Storage;

/// <summary>
/// What a host (the HTTP edge's health check, the silo's entry point) asks of the silo's Redis without reaching into
/// its internals: whether Redis answers, and a one-line account of an error that leaves every password out.
/// </summary>
public static class CacheClusterRedis
{
    /// <summary>Sends Redis a PING over the silo's own connection.</summary>
    /// <param name="services">The silo's services.</param>
    /// <param name="cancellationToken">Stops the wait, not the command.</param>
    /// <returns>The round trip, or <see langword="null"/> in embedded mode, which has no Redis.</returns>
    /// <exception cref="RedisException">Redis did not answer (refused, unreachable, timed out).</exception>
    /// <exception cref="TimeoutException">Redis did not answer in time.</exception>
    /// <exception cref="ObjectDisposedException">The silo is shutting down.</exception>
    public static async Task<TimeSpan?> PingAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.GetService<RedisConnection>() is not { } redis)
        {
            return null;
        }

        var database = await redis.GetDatabaseAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return await database.PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Describes <paramref name="error"/> in one line without secrets: a Redis that refused the connection says why
    /// (refused, authentication…), naming its configuration key; anything else gives its type and first line.
    /// </summary>
    /// <param name="error">The error, such as the one that stopped the silo.</param>
    /// <returns>One line.</returns>
    public static string DescribeError(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        for (var inner = error; inner is not null; inner = inner.InnerException)
        {
            if (inner is RedisConnectionException redis)
            {
                return $"Redis ({CacheClusterOptions.SectionName}:{nameof(CacheClusterOptions.Redis)}) is unreachable: {RedisConnection.Reason(redis)}";
            }
        }

        var end = error.Message.AsSpan().IndexOfAny('\r', '\n');
        return RedisConnectionString.Redact($"{error.GetType().Name}: {(end < 0 ? error.Message : error.Message[..end])}");
    }
}
