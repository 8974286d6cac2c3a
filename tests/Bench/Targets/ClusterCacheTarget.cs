namespace CacheCluster.Bench.Targets;

/// <summary>CacheCluster through its .NET client: <see cref="IClusterCache.TryGetBytesAsync(string, CancellationToken)"/> and <see cref="IClusterCache.SetBytesAsync"/>.</summary>
/// <remarks>Writes carry <paramref name="writeOptions"/> (S3 sets <see cref="CacheEntryOptions.Durability"/> with them).</remarks>
internal sealed class ClusterCacheTarget(IClusterCache cache, string setup, string name = "CacheCluster", CacheEntryOptions? writeOptions = null) : ICacheTarget
{
    public string Name => name;

    public string Setup => setup;

    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var result = await cache.TryGetBytesAsync(key, cancellationToken);
        return result.State == CacheEntryState.Fresh ? result.Value?.Data : null;
    }

    public async ValueTask SetAsync(string key, byte[] value, CancellationToken cancellationToken) =>
        await cache.SetBytesAsync(key, new CacheValue(value), writeOptions, cancellationToken: cancellationToken);
}
