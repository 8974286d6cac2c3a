using System.Collections.Concurrent;
using CacheCluster.Diagnostics;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Batches;

/// <summary>GetMany, SetMany, RemoveMany and GetOrSetMany on the shared multi-silo cluster.</summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class BatchTests(MemoryClusterFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    private IClusterCache Cache => _cluster.Cache;

    [Fact]
    public async Task SetMany_ThenGetMany_AnswersEveryKey_MissingOnesNotFound()
    {
        var keys = Enumerable.Range(0, 150).Select(_ => CacheTestCluster.NewKey("batch")).ToArray();
        var written = await Cache.SetManyAsync(keys.Take(100).Select((key, i) => KeyValuePair.Create(key, $"v{i}")), new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(5) });

        var read = await Cache.GetManyAsync<string>(keys);

        Assert.Equal(100, written.Count);
        Assert.All(written, result => Assert.Equal(CacheWriteOutcome.Created, result.Outcome));
        Assert.Equal(150, read.Count);
        Assert.All(keys.Take(100).Select((key, i) => (key, i)), pair => Assert.Equal($"v{pair.i}", read[pair.key].Value));
        Assert.All(keys.Skip(100), key => Assert.False(read[key].Found));
        Assert.Equal(TimeSpan.FromMinutes(5), (await Cache.GetTimeToLiveAsync(keys[42])).TimeToLive);
        Assert.Equal("v7", (await Cache.TryGetAsync<string>(keys[7])).Value);
    }

    [Fact]
    public async Task SetMany_KeyGivenTwice_WritesTheLastValue()
    {
        var key = CacheTestCluster.NewKey("batch");

        var results = await Cache.SetManyAsync([KeyValuePair.Create(key, "first"), KeyValuePair.Create(key, "last")]);

        Assert.Equal(2, results.Count);
        Assert.Equal(results[0], results[1]);
        Assert.Equal("last", (await Cache.TryGetAsync<string>(key)).Value);
    }

    [Fact]
    public async Task RemoveMany_CountsTheKeysThatExisted_AndRemovesThem()
    {
        var present = Enumerable.Range(0, 5).Select(_ => CacheTestCluster.NewKey("batch")).ToArray();
        var absent = CacheTestCluster.NewKey("batch");
        await Cache.SetManyAsync(present.Select(key => KeyValuePair.Create(key, "v")));

        var removed = await Cache.RemoveManyAsync([.. present, absent, present[0]]);

        Assert.Equal(5, removed);
        Assert.All(await Cache.GetManyBytesAsync(present), read => Assert.False(read.Found));
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("")]
    [InlineData("\u2003")]
    public async Task Batch_BadKeyAmongGoodOnes_ThrowsInvalidKey_AndDoesNothing(string bad)
    {
        var good = CacheTestCluster.NewKey("batch");

        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => Cache.SetManyAsync([KeyValuePair.Create(good, "v"), KeyValuePair.Create(bad, "v")]));
        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => Cache.GetManyAsync<string>([good, bad]));
        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => Cache.RemoveManyAsync([good, bad]));
        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => Cache.GetOrSetManyAsync<string>([good, bad], (_, _) => throw new InvalidOperationException("not called")));

        Assert.False(await Cache.ExistsAsync(good));
    }

    [Fact]
    public async Task GetMany_KeyHoldingAList_ThrowsWrongType()
    {
        var list = CacheTestCluster.NewKey("batch");
        await Cache.ListPushAsync(list, ListEnd.Tail, ["a"]);

        await Assert.ThrowsAsync<CacheWrongTypeException>(() => Cache.GetManyBytesAsync([CacheTestCluster.NewKey("batch"), list]));
    }

    [Fact]
    public async Task GetOrSetMany_ColdAndWarmKeys_OneFactoryCallForExactlyTheMissingKeys()
    {
        var warm = CacheTestCluster.NewKey("batch");
        var cold = Enumerable.Range(0, 50).Select(_ => CacheTestCluster.NewKey("batch")).ToArray();
        await Cache.SetAsync(warm, "stored");
        var calls = new ConcurrentQueue<IReadOnlyList<string>>();

        var values = await Cache.GetOrSetManyAsync<string>([warm, .. cold], (keys, _) =>
        {
            calls.Enqueue(keys);
            return Task.FromResult<IReadOnlyDictionary<string, string>>(keys.Where(k => k != cold[0]).ToDictionary(k => k, k => "computed:" + k));
        });
        var call = Assert.Single(calls);
        var again = await Cache.GetOrSetManyAsync<string>([warm, .. cold], (keys, _) =>
        {
            calls.Enqueue(keys);
            return Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());
        });

        Assert.Equal(cold.Order(), call.Order());
        Assert.Equal("stored", values[warm]);
        Assert.Null(values[cold[0]]);
        Assert.All(cold.Skip(1), key => Assert.Equal("computed:" + key, values[key]));
        Assert.Equal("computed:" + cold[1], (await Cache.TryGetAsync<string>(cold[1])).Value);

        // The second call found every computed key; only the one without a value (not cached as negative) was asked for.
        Assert.Equal(2, calls.Count);
        Assert.Equal(new[] { cold[0] }, calls.Last().ToArray());
        Assert.Equal(values.Where(p => p.Key != cold[0]), again.Where(p => p.Key != cold[0]));
    }

    [Fact]
    public async Task GetOrSetMany_KeyLeasedByAnotherCaller_IsWaitedFor_NotComputedAgain()
    {
        var held = CacheTestCluster.NewKey("batch");
        var free = CacheTestCluster.NewKey("batch");
        var holderFactory = new Leases.Factory<string>(run => "holder") { Gated = true };
        var holder = Cache.GetOrSetAsync(held, holderFactory.RunAsync);
        await holderFactory.Started.WaitAsync(WaitLimit);
        var computed = new ConcurrentQueue<string>();
        using var events = GrainEvents.Listen();
        var parked = events.WaitFor(CacheClusterEvents.LeaseWaiting, held);

        var batch = CacheTestCluster.NewCache(_cluster.Client).GetOrSetManyAsync<string>([held, free], (keys, _) =>
        {
            foreach (var key in keys)
            {
                computed.Enqueue(key);
            }

            return Task.FromResult<IReadOnlyDictionary<string, string>>(keys.ToDictionary(k => k, _ => "batch"));
        });

        // The batch computed its free key, then parked on the held one inside its grain: it does not compute it.
        await parked.WaitAsync(WaitLimit);
        Assert.False(batch.IsCompleted);
        holderFactory.Open();
        var values = await batch.WaitAsync(WaitLimit);

        Assert.Equal("holder", await holder.WaitAsync(WaitLimit));
        Assert.Equal("holder", values[held]);
        Assert.Equal("batch", values[free]);
        Assert.Equal(new[] { free }, computed.ToArray());
        Assert.Equal(1, holderFactory.Runs);
    }

    [Fact]
    public async Task GetOrSetMany_TwoCallersOverlappingInOppositeOrder_EachKeyComputedOnce()
    {
        var keys = Enumerable.Range(0, 40).Select(_ => CacheTestCluster.NewKey("batch")).ToArray();
        var computed = new ConcurrentQueue<string>();
        Task<IReadOnlyDictionary<string, string>> Compute(IReadOnlyList<string> missing, CancellationToken ct)
        {
            foreach (var key in missing)
            {
                computed.Enqueue(key);
            }

            return Task.FromResult<IReadOnlyDictionary<string, string>>(missing.ToDictionary(k => k, k => "v:" + k));
        }

        var other = CacheTestCluster.NewCache(_cluster.Client);
        var results = await Task.WhenAll(
            Cache.GetOrSetManyAsync<string>(keys, Compute),
            other.GetOrSetManyAsync<string>(keys.Reverse(), Compute)).WaitAsync(WaitLimit);

        Assert.Equal(keys.Order(), computed.Order());
        Assert.All(results, values => Assert.All(keys, key => Assert.Equal("v:" + key, values[key])));
    }
}
