using StackExchange.Redis;

namespace CacheCluster.Bench.Targets;

/// <summary>StackExchange.Redis on one multiplexer: <c>StringGetAsync</c> and <c>StringSetAsync</c> (no TTL).</summary>
internal sealed class RedisTarget(IDatabase database) : ICacheTarget
{
    public string Name => "Redis";

    public string Setup => "StackExchange.Redis StringGetAsync/StringSetAsync, one multiplexer, same redis-server as the silos";

    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken) => await database.StringGetAsync(key);

    public async ValueTask SetAsync(string key, byte[] value, CancellationToken cancellationToken) => await database.StringSetAsync(key, value);
}
