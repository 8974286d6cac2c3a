using CacheCluster.Entries;
using CacheCluster.Eviction;
using CacheCluster.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace CacheCluster.Batches;

/// <summary>
/// A client's coalesced reads, answered by the silo they arrive at: a stateless worker, which Orleans activates on the
/// silo that receives the call (for a client's call, the gateway its grain id is bound to), so that the batch is not
/// forwarded to another silo on the way in or out. The answer names this silo (<see cref="SiloReads.Silo"/>): the client
/// learns which worker key reaches which silo. A plain get of a key active here is answered from the silo's
/// <see cref="EntryReadView"/> with no grain call; anything else (a tracked read, a key active elsewhere or nowhere, one
/// the view sends back) is a call to its entry grain, as <see cref="CacheBatchGrain"/> makes it. Each answer says whether the key's entry is active here
/// afterwards or, when not, on which silo (the address Orleans used for the call, from the silo's
/// <see cref="EntryAddressCache"/>), so that the client learns where to send it in one read. Reentrant, one worker per
/// key and silo: it keeps no state between calls.
/// </summary>
[StatelessWorker(1)]
[Reentrant]
internal sealed class SiloReadGrain(IOptions<CacheClusterOptions> options, EntryReadView readView, IServiceProvider services) : Grain, ISiloReadGrain
{
    private readonly int _maxKeyBytes = options.Value.MaxKeyBytes;

    // None on a lone silo with no directory cache: every entry is active here or nowhere.
    private readonly EntryAddressCache? _addresses = services.GetService<EntryAddressCache>();

    public Task<SiloReads> GetManyAsync(string[] keys, INearCacheObserver? tracker)
    {
        CacheBatchGrain.CheckSize(keys, "GetMany");
        var here = new bool[keys.Length];
        return AnswerAsync(BatchViewReads.GetManyAsync(GrainFactory, readView, _maxKeyBytes, keys, tracker, here), keys, here);
    }

    /// <summary>
    /// The answers with where each key is active (at once when the view answered every key: the await then completes
    /// synchronously, and every key is here).
    /// </summary>
    private async Task<SiloReads> AnswerAsync(Task<CacheBatchAnswer<CacheTrackedRead>[]> pending, string[] keys, bool[] here)
    {
        var answers = await pending;
        return new SiloReads(answers, here, ElsewhereOf(keys, answers, here), GrainContext.Address.SiloAddress);
    }

    /// <summary>For each key answered by a call to an entry active on another silo, that silo; <see langword="null"/> when none.</summary>
    private SiloAddress?[]? ElsewhereOf(string[] keys, CacheBatchAnswer<CacheTrackedRead>[] answers, bool[] here)
    {
        if (_addresses is not { } addresses)
        {
            return null;
        }

        SiloAddress?[]? elsewhere = null;
        for (var i = 0; i < keys.Length; i++)
        {
            if (!here[i] && answers[i].Error is null && ActiveSiloOf(addresses, EntryGrainReferences.Get(GrainFactory, keys[i]).GetGrainId()) is { } silo)
            {
                (elsewhere ??= new SiloAddress?[keys.Length])[i] = silo;
            }
        }

        return elsewhere;
    }

    /// <summary>
    /// The other silo the entry <paramref name="grain"/> is active on, as this silo's grain-address cache has it right
    /// after the call (Orleans keeps the address it looked up, or registered as the entry's directory partition), or
    /// <see langword="null"/> when the cache has none or names this silo (an activation here that the view does not
    /// hold is going).
    /// </summary>
    private SiloAddress? ActiveSiloOf(EntryAddressCache addresses, GrainId grain) =>
        addresses.LookUp(grain, out var address, out _) && address.SiloAddress is { } silo && !silo.Equals(GrainContext.Address.SiloAddress)
            ? silo
            : null;
}
