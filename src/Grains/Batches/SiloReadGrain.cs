using CacheCluster.Entries;
using CacheCluster.Hosting;
using CacheCluster.Operations;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace CacheCluster.Batches;

/// <summary>
/// A client's coalesced reads for this silo (<see cref="SiloPinnedPlacementAttribute"/>: one activation per silo, keyed
/// by its address). A plain get of a key active here is answered from the silo's <see cref="EntryReadView"/> with no
/// grain call; anything else (a tracked read, a key active elsewhere or nowhere, one the view sends back) is a call to
/// its entry grain, as <see cref="CacheBatchGrain"/> makes it. Each answer says whether the key's entry is active here
/// afterwards, so that the client learns where to send it. Reentrant: it keeps no state between calls.
/// </summary>
[SiloPinnedPlacement]
[Reentrant]
internal sealed class SiloReadGrain(IOptions<CacheClusterOptions> options, EntryReadView readView) : Grain, ISiloReadGrain
{
    private readonly int _maxKeyBytes = options.Value.MaxKeyBytes;

    public Task<SiloReads> GetManyAsync(string[] keys, INearCacheObserver? tracker)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Length > ICacheBatchGrain.MaxKeys)
        {
            throw new InvalidCacheRequestException($"A batch takes at most {ICacheBatchGrain.MaxKeys} keys (was {keys.Length}).") { Operation = "GetMany" };
        }

        var here = new bool[keys.Length];
        return WithHereAsync(BatchViewReads.GetManyAsync(GrainFactory, readView, _maxKeyBytes, keys, tracker, here), here);
    }

    /// <summary>The answers with where each key is active (at once when the view answered every key: the await then completes synchronously).</summary>
    private static async Task<SiloReads> WithHereAsync(Task<CacheBatchAnswer<CacheTrackedRead>[]> answers, bool[] here) =>
        new(await answers, here);
}
