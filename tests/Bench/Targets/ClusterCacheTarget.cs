namespace CacheCluster.Bench.Targets;

/// <summary>CacheCluster through its .NET client: <see cref="IClusterCache.TryGetBytesAsync(string, CancellationToken)"/> and <see cref="IClusterCache.SetBytesAsync"/>.</summary>
internal sealed class ClusterCacheTarget(IClusterCache cache, string setup) : ICacheTarget
{
    public string Name => "CacheCluster";

    public string Setup => setup;

    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var result = await cache.TryGetBytesAsync(key, cancellationToken);
        return result.State == CacheEntryState.Fresh ? result.Value?.Data : null;
    }

    public async ValueTask SetAsync(string key, byte[] value, CancellationToken cancellationToken) =>
        await cache.SetBytesAsync(key, new CacheValue(value), cancellationToken: cancellationToken);
}
