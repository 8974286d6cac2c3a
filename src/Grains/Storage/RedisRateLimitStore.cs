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

    public bool IsAvailable => connection.IsAvailable;

    public async Task<byte[]?> ReadAsync(string limiterKey) =>
        (byte[]?)await connection.RunAsync("read the limiter checkpoint", database => database.StringGetAsync(Key(limiterKey))).ConfigureAwait(false);

    public Task WriteAsync(string limiterKey, byte[] state, TimeSpan timeToLive) =>
        timeToLive <= TimeSpan.Zero
            ? connection.RunAsync("drop the limiter checkpoint", database => database.KeyDeleteAsync(Key(limiterKey)))

            // Whole milliseconds, at least one: a sub-millisecond TTL would go out as SETEX 0, which Redis rejects.
            : connection.RunAsync("store the limiter checkpoint", database => database.StringSetAsync(Key(limiterKey), state, TimeSpan.FromMilliseconds(Math.Max(1, Math.Ceiling(timeToLive.TotalMilliseconds)))));

    private RedisKey Key(string limiterKey) => Encoding.UTF8.GetBytes(_prefix + limiterKey);
}
