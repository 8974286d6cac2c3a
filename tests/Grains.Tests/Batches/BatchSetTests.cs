using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using CacheCluster.Batches;
using CacheCluster.Diagnostics;
using CacheCluster.Entries;
using CacheCluster.Storage;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace CacheCluster.Tests.Batches;

/// <summary>
/// Batch sets of keys active on the receiving silo (<see cref="CacheBatchGrain"/>): one pipelined store commit, applied on
/// each activation without a grain call, on the three-silo memory cluster; keys not active there take the grain call.
/// </summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class BatchSetTests(MemoryClusterFixture fixture)
{
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task SetMany_OfKeysActiveOnTheSilo_AppliesWithoutAGrainCall_AndReadsBackFromGrainAndStore()
    {
        var keys = await ActiveKeysAsync("bs-local", 30);
        using var applied = BatchSetEvents.Listen();

        var answers = await SetOnEachSiloAsync(keys, "v2");

        Assert.Equal(keys.Length, applied.Count(keys));
        foreach (var key in keys)
        {
            var answer = answers[key];
            Assert.Null(answer.Error);
            Assert.Equal(CacheWriteOutcome.Replaced, answer.Result!.Outcome);
            var read = await _cluster.Grain(key).GetAsync();
            Assert.Equal(("v2", answer.Result.Version), (Text(read.Value), read.Version));
            var stored = await _cluster.MemoryStore!.ReadAsync(key);
            Assert.Equal(("v2", answer.Result.Version), (Encoding.UTF8.GetString(stored!.Value!), stored.Version));
        }
    }

    [Fact]
    public async Task SetMany_OfKeysNotActive_TakesTheGrainCall_ThenTheNextBatchOfLocalOnesDoesNot()
    {
        var keys = Enumerable.Range(0, 20).Select(i => CacheTestCluster.NewKey($"bs-new{i}")).ToArray();
        using var applied = BatchSetEvents.Listen();
        var silo = _cluster.Cluster.Silos[0];

        var first = await BatchOn(silo).SetManyAsync([.. keys.Select(key => new CacheBatchWrite(key, Value("v1"), null))]);

        Assert.All(first, a => Assert.Equal(CacheWriteOutcome.Created, a.Result!.Outcome));
        Assert.Equal(0, applied.Count(keys));

        // Orleans placed each new activation on a silo of its choosing: the next batch goes to the silo holding the most.
        var (home, local) = _cluster.Cluster.Silos.Select(s => (s, keys.Where(key => IsActiveOn(s, key)).ToArray())).MaxBy(p => p.Item2.Length);
        Assert.NotEmpty(local);
        var second = await BatchOn(home).SetManyAsync([.. local.Select(key => new CacheBatchWrite(key, Value("v2"), null))]);
        Assert.All(second, a => Assert.Equal(CacheWriteOutcome.Replaced, a.Result!.Outcome));
        Assert.Equal(local.Length, applied.Count(local));
        Assert.All(await Task.WhenAll(local.Select(key => _cluster.Grain(key).GetAsync())), r => Assert.Equal("v2", Text(r.Value)));
    }

    [Fact]
    public async Task SetMany_AnInvalidItem_FailsAloneWithItsTypedError_AndStoresNothing()
    {
        var (silo, keys) = await LocalKeysAsync("bs-invalid", 3);
        var before = await Task.WhenAll(keys.Select(key => _cluster.MemoryStore!.ReadAsync(key)));

        var answers = await BatchOn(silo).SetManyAsync(
        [
            new CacheBatchWrite(keys[0], new CacheValue(new byte[CacheTestCluster.MaxValueBytes + 1]), null),
            new CacheBatchWrite(keys[1], Value("bad"), new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(-1) }),
            new CacheBatchWrite(keys[2], Value("good"), null),
        ]);

        Assert.IsType<CacheValueTooLargeException>(answers[0].Error);
        Assert.IsType<InvalidCacheOptionsException>(answers[1].Error);
        Assert.Null(answers[2].Error);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(before[i]!.Version, (await _cluster.MemoryStore!.ReadAsync(keys[i]))!.Version);
            Assert.Equal(("v1", before[i]!.Version), Read(await _cluster.Grain(keys[i]).GetAsync()));
        }

        Assert.Equal("good", Text((await _cluster.Grain(keys[2]).GetAsync()).Value));
    }

    [Fact]
    public async Task BatchSet_LosingItsFenceToASingleSet_StoresNothing_AndOneStoredFirstNeverOverwritesTheLaterSingleSet()
    {
        var (silo, keys) = await LocalKeysAsync("bs-race", 1);
        var key = keys[0];
        var store = silo.ServiceProvider.GetRequiredService<IEntryStore>();
        var entry = silo.ServiceProvider.GetRequiredService<EntryReadView>().EntryOf(key)!;
        var grain = _cluster.Grain(key);

        // A single set acknowledged between the batch's prepare and its commit: the commit's fence fails.
        Assert.True(entry.TryPrepareBatchSet(Value("batch"), null, _cluster.Clock.GetUtcNow(), out var lost, out _));
        var single = await grain.SetAsync(Value("single"), null, CacheWriteCondition.Always);
        Assert.False(await Assert.Single(store.CommitMany([lost])));
        CacheEntryGrain.DiscardBatchSet(lost);
        Assert.Equal(("single", single.Version), Read(await grain.GetAsync()));

        // A batch stored first, applied after a single set that came later: the single set reloads and wins, and the
        // activation does not go back to the batch's older record.
        Assert.True(entry.TryPrepareBatchSet(Value("batch2"), null, _cluster.Clock.GetUtcNow(), out var stored, out _));
        Assert.True(await Assert.Single(store.CommitMany([stored])));
        var later = await grain.SetAsync(Value("single2"), null, CacheWriteCondition.Always);
        Assert.True(later.Version > stored.Record!.Version);
        Assert.False(await ActivationWork.RunAsync(entry.GrainContext, () => entry.ApplyBatchSet(stored), failed: true));
        Assert.Equal(("single2", later.Version), Read(await grain.GetAsync()));
        Assert.Equal(later.Version, (await store.ReadAsync(key))!.Version);
    }

    [Fact]
    public async Task BatchSet_StoredAfterItsActivationLeft_TheNextActivationThatLoadedTheOlderRecordCatchesUp()
    {
        var (silo, keys) = await LocalKeysAsync("bs-left", 1);
        var key = keys[0];
        var view = silo.ServiceProvider.GetRequiredService<EntryReadView>();
        var entry = view.EntryOf(key)!;
        var grain = _cluster.Grain(key);
        Assert.True(entry.TryPrepareBatchSet(Value("batch"), null, _cluster.Clock.GetUtcNow(), out var change, out _));

        // The activation leaves, and the next one loads the record before the batch's commit reaches the store.
        await grain.AsReference<Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();
        await entry.GrainContext.Deactivated.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System);

        Assert.Equal("v1", Text((await grain.GetAsync()).Value));
        Assert.True(await Assert.Single(silo.ServiceProvider.GetRequiredService<IEntryStore>().CommitMany([change])));

        Assert.False(await ActivationWork.RunAsync(entry.GrainContext, () => entry.ApplyBatchSet(change), failed: true));
        Assert.True(entry.HasLeft);
        Assert.True(await grain.AsReference<IEntryBatchTarget>().CatchUpAsync(change.Record!.Version));
        Assert.Equal(("batch", change.Record.Version), Read(await grain.GetAsync()));
    }

    [Fact]
    public async Task SetMany_RacingSingleSets_TheStoreAndEveryActivationHoldTheLastAcknowledgedWrite()
    {
        var (silo, keys) = await LocalKeysAsync("bs-racing", 40);

        var batch = BatchOn(silo).SetManyAsync([.. keys.Select(key => new CacheBatchWrite(key, Value("batch"), null))]);
        var singles = keys.Select(key => _cluster.Grain(key).SetAsync(Value("single"), null, CacheWriteCondition.Always)).ToArray();
        var batched = await batch;
        var single = await Task.WhenAll(singles);

        for (var i = 0; i < keys.Length; i++)
        {
            Assert.Null(batched[i].Error);
            Assert.NotEqual(batched[i].Result!.Version, single[i].Version);
            var last = batched[i].Result!.Version > single[i].Version ? ("batch", batched[i].Result!.Version) : ("single", single[i].Version);
            Assert.Equal(last, Read(await _cluster.Grain(keys[i]).GetAsync()));
            var stored = await _cluster.MemoryStore!.ReadAsync(keys[i]);
            Assert.Equal(last, (Encoding.UTF8.GetString(stored!.Value!), stored.Version));
        }
    }

    [Fact]
    public async Task SetMany_WithATag_OfLocalKeys_IsRemovableByTag()
    {
        var tag = "bs-tag:" + Guid.NewGuid().ToString("N");
        var keys = await ActiveKeysAsync("bs-tag", 20);
        using var applied = BatchSetEvents.Listen();

        var answers = await SetOnEachSiloAsync(keys, "tagged", new CacheEntryOptions { Tags = [tag] });

        Assert.All(answers.Values, a => Assert.Null(a.Error));
        Assert.Equal(keys.Length, applied.Count(keys));
        Assert.Equal(keys.Length, await _cluster.Cache.RemoveByTagAsync(tag));
        Assert.All(await Task.WhenAll(keys.Select(key => _cluster.Cache.ExistsAsync(key))), Assert.False);
    }

    internal static CacheValue Value(string text) => new(Encoding.UTF8.GetBytes(text));

    internal static string? Text(CacheValue? value) => value is null ? null : Encoding.UTF8.GetString(value.Data);

    internal static (string? Value, long Version) Read(CacheReadResult read) => (Text(read.Value), read.Version);

    internal static ICacheBatchGrain BatchOn(InProcessSiloHandle silo) =>
        silo.ServiceProvider.GetRequiredService<IGrainFactory>().GetGrain<ICacheBatchGrain>(0);

    internal static bool IsActiveOn(InProcessSiloHandle silo, string key) =>
        silo.ServiceProvider.GetRequiredService<EntryReadView>().EntryOf(key) is not null;

    /// <summary>Sets <paramref name="value"/> on each key through the batch grain of the silo where the key is active.</summary>
    private async Task<Dictionary<string, CacheBatchAnswer<CacheWriteResult>>> SetOnEachSiloAsync(string[] keys, string value, CacheEntryOptions? options = null)
    {
        var answers = new Dictionary<string, CacheBatchAnswer<CacheWriteResult>>();
        foreach (var silo in _cluster.Cluster.Silos)
        {
            var local = keys.Where(key => IsActiveOn(silo, key)).ToArray();
            if (local.Length == 0)
            {
                continue;
            }

            var result = await BatchOn(silo).SetManyAsync([.. local.Select(key => new CacheBatchWrite(key, Value(value), options))]);
            for (var i = 0; i < local.Length; i++)
            {
                answers[local[i]] = result[i];
            }
        }

        Assert.Equal(keys.Length, answers.Count);
        return answers;
    }

    /// <summary>Keys written once ("v1") through their grains, so that each is active on some silo.</summary>
    private async Task<string[]> ActiveKeysAsync(string prefix, int count)
    {
        var keys = Enumerable.Range(0, count).Select(i => CacheTestCluster.NewKey($"{prefix}{i}")).ToArray();
        await Task.WhenAll(keys.Select(key => _cluster.Grain(key).SetAsync(Value("v1"), null, CacheWriteCondition.Always)));
        return keys;
    }

    /// <summary>At least <paramref name="count"/> active keys, all on one silo, and that silo.</summary>
    private async Task<(InProcessSiloHandle Silo, string[] Keys)> LocalKeysAsync(string prefix, int count)
    {
        var keys = await ActiveKeysAsync(prefix, count * 6);
        var best = _cluster.Cluster.Silos.Select(s => (Silo: s, Keys: keys.Where(key => IsActiveOn(s, key)).ToArray())).MaxBy(s => s.Keys.Length);
        Assert.True(best.Keys.Length >= count, $"only {best.Keys.Length} of {keys.Length} keys on one silo");
        return (best.Silo, best.Keys[..count]);
    }

    /// <summary>Counts the silos' <see cref="CacheClusterEvents.BatchSetApplied"/> events by key.</summary>
    private sealed class BatchSetEvents : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly ConcurrentDictionary<string, int> _applied = new(StringComparer.Ordinal);
        private readonly ConcurrentBag<IDisposable> _subscriptions = [];

        public static BatchSetEvents Listen()
        {
            var events = new BatchSetEvents();
            events._subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(events));
            return events;
        }

        public int Count(IEnumerable<string> keys) => keys.Sum(key => _applied.GetValueOrDefault(key));

        public void Dispose()
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Dispose();
            }
        }

        void IObserver<DiagnosticListener>.OnNext(DiagnosticListener value)
        {
            if (value.Name == CacheClusterEvents.ListenerName)
            {
                _subscriptions.Add(value.Subscribe(this));
            }
        }

        void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Value is CacheClusterEvent { Name: CacheClusterEvents.BatchSetApplied } e)
            {
                _applied.AddOrUpdate(e.Key, 1, static (_, n) => n + 1);
            }
        }

        void IObserver<DiagnosticListener>.OnCompleted()
        {
        }

        void IObserver<DiagnosticListener>.OnError(Exception error)
        {
        }

        void IObserver<KeyValuePair<string, object?>>.OnCompleted()
        {
        }

        void IObserver<KeyValuePair<string, object?>>.OnError(Exception error)
        {
        }
    }
}
