using ZiggyCreatures.Caching.Fusion;

namespace CacheCluster.Bench.Targets;

/// <summary>FusionCache (memory L1, Redis L2, Redis backplane): <c>TryGetAsync</c> and <c>SetAsync</c>.</summary>
internal sealed class FusionCacheTarget(IFusionCache cache, string setup) : ICacheTarget
{
    public string Name => "FusionCache";

    public string Setup => setup;

    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var result = await cache.TryGetAsync<byte[]>(key, token: cancellationToken);
        return result.HasValue ? result.Value : null;
    }

    public ValueTask SetAsync(string key, byte[] value, CancellationToken cancellationToken) =>
        cache.SetAsync(key, value, token: cancellationToken);
}
