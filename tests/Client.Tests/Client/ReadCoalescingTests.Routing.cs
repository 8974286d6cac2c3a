using CacheCluster.Internal;
using CacheCluster.Tests.Internal;

namespace CacheCluster.Tests.Client;

/// <summary>
/// Coalesced reads routed per silo (<see cref="SiloReadRoutes"/>, <see cref="ISiloReadGrain"/>) on the shared 3-silo
/// cluster: keys learnt from the answers, a wrong hint still answered and corrected, a silo no worker key reaches
/// answered by the silo the batch arrives at.
/// </summary>
public sealed partial class ReadCoalescingTests
{
    /// <summary>One coalesced batch of <paramref name="keys"/> (the test holds the slots so that they all queue).</summary>
    private static async Task ReadBatchAsync(ClusterCache cache, string[] keys)
    {
        var coalescer = cache.Coalescer(near: null);
        HoldSlots(coalescer);
        var reads = keys.Select(key => cache.TryGetAsync<string>(key)).ToArray();
        ReleaseSlots(coalescer);
        var values = await Task.WhenAll(reads).WaitAsync(WaitLimit);
        Assert.All(keys.Select((key, i) => (key, i)), pair => Assert.Equal("value of " + pair.key, values[pair.i].Value));
    }

    /// <summary>Asks each key's routed silo directly whether the key is active there.</summary>
    private async Task<bool[]> AllHereAsync(ClusterCache cache, string[] keys)
    {
        var here = new bool[keys.Length];
        var workers = await WorkerMapAsync();
        foreach (var group in keys.Select((key, i) => (key, i)).GroupBy(pair => cache.Routes.SiloOf(pair.key)!))
        {
            var asked = group.ToArray();
            var reads = await ReaderOn(workers, group.Key).GetManyAsync([.. asked.Select(p => p.key)], null);
            Assert.Equal(group.Key, reads.Silo);
            for (var j = 0; j < asked.Length; j++)
            {
                here[asked[j].i] = reads.Here[j];
            }
        }

        return here;
    }

    [Fact]
    public async Task Coalescing_KeysLearnt_WithinOneReadPerSilo_ThenEveryBatchKeyIsReadOnTheSiloHoldingIt()
    {
        var keys = await NewKeysAsync(24);
        var cache = NewCache();
        for (var round = 0; round < _cluster.Cluster.Silos.Count; round++)
        {
            await ReadBatchAsync(cache, keys);
        }

        Assert.All(await AllHereAsync(cache, keys), Assert.True);
        using var calls = GrainCalls.Record();
        using (calls.Start())
        {
            await ReadBatchAsync(cache, keys);
        }

        Assert.Equal((0, 0), (calls.Count("ICacheEntryGrain"), calls.Count("ICacheBatchGrain")));
        Assert.InRange(calls.Count("ISiloReadGrain"), 1, _cluster.Cluster.Silos.Count);
        Assert.All(await AllHereAsync(cache, keys), Assert.True);
    }

    [Fact]
    public async Task Coalescing_KeysActiveOnOtherSilos_LearntInOneRead_NextBatchIsReadWhereTheyAre()
    {
        var keys = await NewKeysAsync(24);
        var cache = NewCache();
        var management = _cluster.Client.GetGrain<IManagementGrain>(0);
        var active = new SiloAddress?[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            active[i] = await management.GetActivationAddress(EntryGrainReferences.Get(_cluster.Client, keys[i]));
        }

        var first = keys.Select(key => cache.Routes.SiloOf(key)!).ToArray();
        Assert.All(active, Assert.NotNull);
        Assert.Contains(keys.Select((_, i) => i), i => !first[i].Equals(active[i]));

        await ReadBatchAsync(cache, keys);

        Assert.Equal(active, keys.Select(key => cache.Routes.SiloOf(key)).ToArray());
        using var calls = GrainCalls.Record();
        using (calls.Start())
        {
            await ReadBatchAsync(cache, keys);
        }

        Assert.Equal((0, 0), (calls.Count("ICacheEntryGrain"), calls.Count("ICacheBatchGrain")));
        Assert.Equal(active.Distinct().Count(), calls.Count("ISiloReadGrain"));
    }

    [Fact]
    public async Task SiloReadGrain_KeyActiveOnAnotherSilo_AnswersThatSilo()
    {
        var key = (await NewKeysAsync(1))[0];
        var active = await _cluster.Client.GetGrain<IManagementGrain>(0).GetActivationAddress(EntryGrainReferences.Get(_cluster.Client, key));
        var other = _cluster.Cluster.Silos.Select(s => s.SiloAddress).First(s => !s.Equals(active));

        var workers = await WorkerMapAsync();

        var reads = await ReaderOn(workers, other).GetManyAsync([key], null);
        var there = await ReaderOn(workers, active!).GetManyAsync([key], null);

        Assert.Equal((null, CacheEntryState.Fresh), (reads.Answers[0].Error, reads.Answers[0].Result?.Result.State));
        Assert.Equal((false, active), (reads.Here[0], reads.Elsewhere?[0]));
        Assert.Equal((true, null), (there.Here[0], there.Elsewhere));
    }

    [Fact]
    public async Task Coalescing_HintNamesAnotherSilo_KeysStillAnswered_HintsCorrected()
    {
        var keys = await NewKeysAsync(12);
        var cache = NewCache();
        var silos = _cluster.Cluster.Silos.Select(s => s.SiloAddress).ToArray();
        for (var round = 0; round < silos.Length; round++)
        {
            await ReadBatchAsync(cache, keys);
        }

        var learnt = keys.Select(key => cache.Routes.SiloOf(key)!).ToArray();

        // As if every activation had moved: each key's hint names the next silo.
        for (var i = 0; i < keys.Length; i++)
        {
            cache.Routes.Learn([keys[i]], silos[(Array.IndexOf(silos, learnt[i]) + 1) % silos.Length], [true]);
        }

        // Answered by the silo asked (a grain call there), which says "not here": the keys probe the silos again.
        await ReadBatchAsync(cache, keys);
        for (var round = 0; round < silos.Length; round++)
        {
            await ReadBatchAsync(cache, keys);
        }

        Assert.Equal(learnt, keys.Select(key => cache.Routes.SiloOf(key)!).ToArray());
    }

    [Fact]
    public async Task Coalescing_HintedSiloNoGateway_BatchAnsweredByTheSiloItArrivesAt_KeysLearntThere()
    {
        var keys = await NewKeysAsync(8);
        var cache = NewCache();
        var gone = SiloAddress.New(System.Net.IPAddress.Loopback, 40999, 3);
        var manifest = SiloReadRoutesTests.Manifest(_cluster.Client, 1, gone);
        cache.Routes = new SiloReadRoutes(() => manifest, _cluster.Client);
        cache.Routes.Learn(keys, gone, [.. keys.Select(_ => true)]);
        var workers = await WorkerMapAsync();

        using var calls = GrainCalls.Record();
        using (calls.Start())
        {
            await ReadBatchAsync(cache, keys);
        }

        // No key reaches the silo named (no member has it): the batch went with a worker key not yet learnt, and the
        // silo it arrived at answered it, and is now where that key lands.
        Assert.Equal((1, 0, 0), (calls.Count("ISiloReadGrain"), calls.Count("ICacheBatchGrain"), calls.Count("ICacheEntryGrain")));
        var learnt = Assert.Single(Enumerable.Range(0, ISiloReadGrain.WorkerKeys), i => cache.Routes.LandsOn(i) is not null);
        Assert.Equal(workers[learnt], cache.Routes.LandsOn(learnt));
    }
}
