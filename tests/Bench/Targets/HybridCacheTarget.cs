using Microsoft.Extensions.Caching.Hybrid;

namespace CacheCluster.Bench.Targets;

/// <summary>
/// A <see cref="HybridCache"/>: Microsoft's (memory L1, Redis L2) or CacheCluster's (near cache, cluster), called the
/// same way. It has no plain get: a read is <c>GetOrCreateAsync</c> whose factory returns null and writes nothing
/// back, so a miss reads as null; local (L1) reads stay on, so a hit in L1 answers.
/// </summary>
internal sealed class HybridCacheTarget(HybridCache cache, string name, string setup) : ICacheTarget
{
    /// <summary>The read options of every HybridCache read in the benchmark: L1 and L2 read, nothing written back.</summary>
    public static HybridCacheEntryOptions ReadOnlyOptions => ReadOnly;

    private static readonly HybridCacheEntryOptions ReadOnly = new()
    {
        Flags = HybridCacheEntryFlags.DisableLocalCacheWrite | HybridCacheEntryFlags.DisableDistributedCacheWrite,
    };

    public string Name => name;

    public string Setup => setup;

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync(key, static _ => ValueTask.FromResult<byte[]?>(null), ReadOnly, cancellationToken: cancellationToken);

    public ValueTask SetAsync(string key, byte[] value, CancellationToken cancellationToken) =>
        cache.SetAsync(key, value, cancellationToken: cancellationToken);
}
