using System.Text;
using CacheCluster.Hosting;
using CacheCluster.RateLimiting.Internal;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CacheCluster.Storage;

/// <summary>Limiter checkpoints under <c>{ServiceId}/rl/{policy}/{identifier}</c>, each with its own TTL.</summary>
internal sealed class RedisRateLimitStore(RedisConnection connection, IOptions<CacheClusterOptions> options) : IRateLimitStore
{
    private readonly string _prefix = $"{options.Value.ServiceId}/rl/";

    public async Task<byte[]?> ReadAsync(string limiterKey)
    {
        var database = await connection.GetDatabaseAsync().ConfigureAwait(false);
        try
        {
            return (byte[]?)await database.StringGetAsync(Key(limiterKey)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new CacheStorageException($"Redis did not return the limiter checkpoint: {ex.GetType().Name}: {RedisConnectionString.Redact(ex.Message)}");
        }
    }

    public async Task WriteAsync(string limiterKey, byte[] state, TimeSpan timeToLive)
    {
        var database = await connection.GetDatabaseAsync().ConfigureAwait(false);
        try
        {
            if (timeToLive <= TimeSpan.Zero)
            {
                await database.KeyDeleteAsync(Key(limiterKey)).ConfigureAwait(false);
            }
            else
            {
                // Whole milliseconds, at least one: a sub-millisecond TTL would go out as SETEX 0, which Redis rejects.
                var milliseconds = Math.Max(1, Math.Ceiling(timeToLive.TotalMilliseconds));
                await database.StringSetAsync(Key(limiterKey), state, TimeSpan.FromMilliseconds(milliseconds)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new CacheStorageException($"Redis did not store the limiter checkpoint: {ex.GetType().Name}: {RedisConnectionString.Redact(ex.Message)}");
        }
    }

    private RedisKey Key(string limiterKey) => Encoding.UTF8.GetBytes(_prefix + limiterKey);
}
