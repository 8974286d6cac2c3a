using CacheCluster.Internal;

namespace CacheCluster.Tests.Client;

/// <summary>
/// The read worker keys on the shared 3-silo cluster: a client's call to a read worker (a stateless worker) is answered
/// by the silo whose gateway it arrives at, each key always by the same one, and the keys spread over every gateway; a
/// client learns which key reaches which silo, so that a batch for a silo is answered by that silo (no forwarding hop).
/// </summary>
public sealed partial class ReadCoalescingTests
{
    /// <summary>The silo each read worker key of the shared client is answered by (one empty batch per key).</summary>
    private async Task<SiloAddress[]> WorkerMapAsync()
    {
        var map = new SiloAddress[ISiloReadGrain.WorkerKeys];
        for (var i = 0; i < map.Length; i++)
        {
            var reads = await _cluster.Client.GetGrain<ISiloReadGrain>(i).GetManyAsync([], null);
            Assert.NotNull(reads.Silo);
            map[i] = reads.Silo;
        }

        return map;
    }

    /// <summary>A read worker of the shared client that is answered by <paramref name="silo"/>.</summary>
    private ISiloReadGrain ReaderOn(SiloAddress[] workers, SiloAddress silo) =>
        _cluster.Client.GetGrain<ISiloReadGrain>(Array.IndexOf(workers, silo));

    /// <summary>Reads batches of <paramref name="keys"/> until every silo holding one is reached by a learnt worker key.</summary>
    private static async Task LearnAsync(ClusterCache cache, string[] keys)
    {
        for (var round = 0; round <= ISiloReadGrain.WorkerKeys; round++)
        {
            await ReadBatchAsync(cache, keys);
            if (cache.Routes.Plan(keys)!.All(route => route.Silo.Equals(cache.Routes.LandsOn(route.Worker))))
            {
                return;
            }
        }

        Assert.Fail("Some silo is reached by no read worker key.");
    }

    [Fact]
    public async Task SiloReadGrain_FromAClient_EachWorkerKeyAnsweredByOneGatewaySilo_KeysSpreadOverEverySilo()
    {
        var first = await WorkerMapAsync();
        var again = await WorkerMapAsync();

        Assert.Equal(first, again);
        Assert.Equal(
            _cluster.Cluster.Silos.Select(s => s.SiloAddress).OrderBy(s => s.ToParsableString()),
            first.Distinct().OrderBy(s => s.ToParsableString()));
    }

    [Fact]
    public async Task Coalescing_KeysAndWorkersLearnt_EachSilosShareIsAnsweredByThatSilo_EveryKeyHere()
    {
        var keys = await NewKeysAsync(24);
        var cache = NewCache();
        await LearnAsync(cache, keys);
        var workers = await WorkerMapAsync();

        var plan = cache.Routes.Plan(keys)!;
        foreach (var route in plan)
        {
            var reads = await route.Grain.GetManyAsync([.. route.Positions.Select(i => keys[i])], null);

            Assert.Equal(route.Silo, reads.Silo);
            Assert.Equal(route.Silo, workers[route.Worker]);
            Assert.All(reads.Here, Assert.True);
            Assert.All(reads.Answers, answer => Assert.Equal(CacheEntryState.Fresh, answer.Result?.Result.State));
        }
    }

    [Fact]
    public async Task Coalescing_WorkerKeyAnsweredByAnotherSiloThanLearnt_IsRelearnt_KeysStillAnswered()
    {
        var keys = await NewKeysAsync(12);
        var cache = NewCache();
        await LearnAsync(cache, keys);
        var workers = await WorkerMapAsync();
        var silos = _cluster.Cluster.Silos.Select(s => s.SiloAddress).ToArray();

        // As if every worker key's gateway had changed: each learnt key is believed to land on the next silo.
        for (var i = 0; i < ISiloReadGrain.WorkerKeys; i++)
        {
            if (cache.Routes.LandsOn(i) is { } landed)
            {
                cache.Routes.Landed(i, silos[(Array.IndexOf(silos, landed) + 1) % silos.Length]);
            }
        }

        var used = cache.Routes.Plan(keys)!.Select(route => route.Worker).ToArray();
        Assert.Contains(used, worker => !workers[worker].Equals(cache.Routes.LandsOn(worker)));
        await ReadBatchAsync(cache, keys);

        Assert.All(used, worker => Assert.Equal(workers[worker], cache.Routes.LandsOn(worker)));
        await LearnAsync(cache, keys);
        Assert.All(await AllHereAsync(cache, keys), Assert.True);
    }
}
