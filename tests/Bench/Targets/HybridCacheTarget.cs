using Microsoft.Extensions.Caching.Hybrid;

namespace CacheCluster.Bench.Targets;

/// <summary>
/// HybridCache (memory L1, Redis L2). It has no plain get: a read is <c>GetOrCreateAsync</c> whose factory returns
/// null and writes nothing back, so a miss reads as null.
/// </summary>
internal sealed class HybridCacheTarget(HybridCache cache, string setup) : ICacheTarget
{
    private static readonly HybridCacheEntryOptions ReadOnly = new()
    {
        Flags = HybridCacheEntryFlags.DisableLocalCacheWrite | HybridCacheEntryFlags.DisableDistributedCacheWrite,
    };

    public string Name => "HybridCache";

    public string Setup => setup;

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync(key, static _ => ValueTask.FromResult<byte[]?>(null), ReadOnly, cancellationToken: cancellationToken);

    public ValueTask SetAsync(string key, byte[] value, CancellationToken cancellationToken) =>
        cache.SetAsync(key, value, cancellationToken: cancellationToken);
}
