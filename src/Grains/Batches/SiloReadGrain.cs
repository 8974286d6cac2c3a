using CacheCluster.Entries;
using CacheCluster.Eviction;
using CacheCluster.Hosting;
using CacheCluster.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace CacheCluster.Batches;

/// <summary>
/// A client's coalesced reads for this silo (<see cref="SiloPinnedPlacementAttribute"/>: one activation per silo, keyed
/// by its address). A plain get of a key active here is answered from the silo's <see cref="EntryReadView"/> with no
/// grain call; anything else (a tracked read, a key active elsewhere or nowhere, one the view sends back) is a call to
/// its entry grain, as <see cref="CacheBatchGrain"/> makes it. Each answer says whether the key's entry is active here
/// afterwards or, when not, on which silo (the address Orleans used for the call, from the silo's
/// <see cref="EntryAddressCache"/>), so that the client learns where to send it in one read. Reentrant: it keeps no
/// state between calls.
/// </summary>
[SiloPinnedPlacement]
[Reentrant]
internal sealed class SiloReadGrain(IOptions<CacheClusterOptions> options, EntryReadView readView, IServiceProvider services) : Grain, ISiloReadGrain
{
    private readonly int _maxKeyBytes = options.Value.MaxKeyBytes;

    // None on a lone silo with no directory cache: every entry is active here or nowhere.
    private readonly EntryAddressCache? _addresses = services.GetService<EntryAddressCache>();

    public Task<SiloReads> GetManyAsync(string[] keys, INearCacheObserver? tracker)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Length > ICacheBatchGrain.MaxKeys)
        {
            throw new InvalidCacheRequestException($"A batch takes at most {ICacheBatchGrain.MaxKeys} keys (was {keys.Length}).") { Operation = "GetMany" };
        }

        var answers = new CacheBatchAnswer<CacheTrackedRead>[keys.Length];
        var here = new bool[keys.Length];
        List<Task>? calls = null;
        SiloAddress?[]? elsewhere = null;
        for (var i = 0; i < keys.Length; i++)
        {
            // A key in the view passed the entry grain's own validation, with this silo's limits: no need to check it again.
            if (tracker is null && keys[i] is { } key && readView.TryGet(key) is { } read)
            {
                answers[i] = new CacheBatchAnswer<CacheTrackedRead>(new CacheTrackedRead(read, Tracked: false), null);
                here[i] = true;
            }
            else
            {
                (calls ??= []).Add(CallAsync(keys, i, tracker, answers, here, elsewhere ??= new SiloAddress?[keys.Length]));
            }
        }

        return calls is null ? Task.FromResult(new SiloReads(answers, here)) : WhenAllAsync(calls, answers, here, elsewhere!);
    }

    private static async Task<SiloReads> WhenAllAsync(List<Task> calls, CacheBatchAnswer<CacheTrackedRead>[] answers, bool[] here, SiloAddress?[] elsewhere)
    {
        await Task.WhenAll(calls);
        return new SiloReads(answers, here, Array.Exists(elsewhere, silo => silo is not null) ? elsewhere : null);
    }

    /// <summary>One key through its entry grain (validated first: a key Orleans cannot address must not reach GetGrain).</summary>
    private async Task CallAsync(string[] keys, int index, INearCacheObserver? tracker, CacheBatchAnswer<CacheTrackedRead>[] answers, bool[] here, SiloAddress?[] elsewhere)
    {
        var key = keys[index];
        try
        {
            CacheKey.Validate(key, _maxKeyBytes);
            var grain = EntryGrainReferences.Get(GrainFactory, key);
            var read = tracker is null
                ? new CacheTrackedRead(await grain.GetAsync(), Tracked: false)
                : await grain.GetTrackedAsync(tracker);
            answers[index] = new CacheBatchAnswer<CacheTrackedRead>(read, null);
            here[index] = readView.EntryOf(key) is not null;
            if (!here[index])
            {
                elsewhere[index] = ActiveSiloOf(grain.GetGrainId());
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            answers[index] = new CacheBatchAnswer<CacheTrackedRead>(null, ex);
        }
    }

    /// <summary>
    /// The other silo the entry <paramref name="grain"/> is active on, as this silo's grain-address cache has it right
    /// after the call (Orleans keeps the address it looked up, or registered as the entry's directory partition), or
    /// <see langword="null"/> when the cache has none or names this silo (an activation here that the view does not
    /// hold is going).
    /// </summary>
    private SiloAddress? ActiveSiloOf(GrainId grain) =>
        _addresses is not null && _addresses.LookUp(grain, out var address, out _) && address.SiloAddress is { } silo && !silo.Equals(GrainContext.Address.SiloAddress)
            ? silo
            : null;
}
