using Microsoft.Extensions.Caching.Hybrid;

namespace CacheCluster.Bench.Targets;

/// <summary>
/// A <see cref="HybridCache"/>: Microsoft's (memory L1, Redis L2) or CacheCluster's (near cache, cluster), called the
/// same way. It has no plain get: a read is <c>GetOrCreateAsync</c> with the default entry options, as an application
/// reads, whose factory returns null, so a miss reads as null (and fails the run). An L1 miss that L2 answers puts the
/// value back in L1, in both.
/// </summary>
internal sealed class HybridCacheTarget(HybridCache cache, string name, string setup) : ICacheTarget
{
    /// <summary>Options for reads that must not write anything back (S6 after RemoveByTagAsync): L1 and L2 read, nothing written.</summary>
    public static HybridCacheEntryOptions ReadOnlyOptions => ReadOnly;

    private static readonly HybridCacheEntryOptions ReadOnly = new()
    {
        Flags = HybridCacheEntryFlags.DisableLocalCacheWrite | HybridCacheEntryFlags.DisableDistributedCacheWrite,
    };

    public string Name => name;

    public string Setup => setup;

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync(key, static _ => ValueTask.FromResult<byte[]?>(null), cancellationToken: cancellationToken);

    public ValueTask SetAsync(string key, byte[] value, CancellationToken cancellationToken) =>
        cache.SetAsync(key, value, cancellationToken: cancellationToken);
}
