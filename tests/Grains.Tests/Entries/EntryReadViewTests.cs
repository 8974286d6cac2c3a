using System.Diagnostics.Metrics;
using CacheCluster.Entries;
using CacheCluster.Operations;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Tests.Entries;

/// <summary>
/// The silo's <see cref="EntryReadView"/>, read directly on the silo where the key's activation lives: after every kind
/// of write it answers exactly as the grain's <c>GetAsync</c>; what it cannot answer (expired, a list, an activation
/// due for a grain call) it sends to the grain; its reads count as the grain's do; a deactivated entry leaves it.
/// </summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class EntryReadViewTests(MemoryClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task EntryReadView_AfterSetExpireFillDeleteAndIncrement_AnswersAsGetAsync()
    {
        var key = CacheTestCluster.NewKey("view");
        var grain = _cluster.Grain(key);

        await grain.SetAsync(new CacheValue("v1"u8.ToArray(), "text/plain"), new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(10), Tags = ["view-tag"] }, CacheWriteCondition.Always);
        await AssertSameAsync(key);

        Assert.True(await grain.ExpireAsync(TimeSpan.FromMinutes(20)));
        await AssertSameAsync(key);

        _cluster.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(CacheEntryState.Stale, (await AssertSameAsync(key)).State);

        Assert.True(await grain.DeleteAsync());
        Assert.False((await AssertSameAsync(key)).Found);

        var lease = await grain.GetOrLeaseAsync(new CacheLeaseRequest());
        await grain.FillAsync(lease.Lease!.Value.Token, new CacheValue("filled"u8.ToArray()), options: null);
        Assert.Equal("filled"u8.ToArray(), (await AssertSameAsync(key)).Value!.Data);

        await grain.SetAsync(new CacheValue("41"u8.ToArray()), options: null, CacheWriteCondition.Always);
        await grain.IncrementAsync(1, options: null);
        Assert.Equal("42"u8.ToArray(), (await AssertSameAsync(key)).Value!.Data);
    }

    [Fact]
    public async Task EntryReadView_ListOrExpiredEntry_SendsTheReadToTheGrain_WhichDeactivatesTheExpiredOne()
    {
        var list = CacheTestCluster.NewKey("view-list");
        await _cluster.Grain(list).ListPushAsync(ListEnd.Tail, [new CacheValue("a"u8.ToArray())], options: null);
        Assert.Null(ViewOf(list).TryGet(list));
        await Assert.ThrowsAsync<CacheWrongTypeException>(() => _cluster.Grain(list).GetAsync());

        var key = CacheTestCluster.NewKey("view-expired");
        await _cluster.Grain(key).SetAsync(new CacheValue("v"u8.ToArray()), new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(1) }, CacheWriteCondition.Always);
        var view = ViewOf(key);
        var entry = view.EntryOf(key)!;
        Assert.True(view.TryGet(key)!.Found);

        _cluster.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(view.TryGet(key));
        Assert.False((await _cluster.Grain(key).GetAsync()).Found);
        await LeftAsync(view, key, entry);
    }

    [Fact]
    public async Task EntryReadView_Reads_CountAsHitsMissesOperationsAndHotKeys()
    {
        var key = CacheTestCluster.NewKey("view-count");
        await _cluster.Grain(key).SetAsync(new CacheValue("v"u8.ToArray()), options: null, CacheWriteCondition.Always);
        var silo = SiloOf(key);
        var view = silo.GetRequiredService<EntryReadView>();
        var operations = silo.GetRequiredService<SiloOperations>();

        // The rate counts the whole seconds of the last minute: past anything earlier tests did, and on a second of its own.
        _cluster.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.True((await _cluster.Grain(key).GetAsync()).Found);
        _cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        using var metrics = new MetricRecorder([silo.GetRequiredService<IMeterFactory>()]);
        var operationsBefore = operations.Rate.LastMinute();

        for (var i = 0; i < 50; i++)
        {
            Assert.True(view.TryGet(key)!.Found);
        }

        Assert.True(await _cluster.Grain(key).DeleteAsync());
        Assert.False(view.TryGet(key)!.Found);
        _cluster.Clock.Advance(TimeSpan.FromSeconds(1));

        // 51 view reads and the delete's grain call, as the silo's call filter counts grain calls.
        Assert.Equal(50, metrics["cachecluster.entry.hits"]);
        Assert.Equal(1, metrics["cachecluster.entry.misses"]);
        Assert.Equal(52, operations.Rate.LastMinute() - operationsBefore);
        // The sketch counted the set and the get as well, then halved (its half-life is a minute of the cache clock);
        // its last admission may lose a race for its lock to another record.
        Assert.InRange(HotCount(operations, key), 52, 54);
    }

    [Fact]
    public async Task EntryReadView_ReadOnlyThroughTheView_SendsOneReadToTheGrainEachQuarterOfTheCollectionAge()
    {
        var key = CacheTestCluster.NewKey("view-hot");
        await _cluster.Grain(key).SetAsync(new CacheValue("v"u8.ToArray()), options: null, CacheWriteCondition.Always);
        var view = ViewOf(key);

        // The silo's entries are collected after EntryIdleTimeout (2 minutes by default): a grain call every 30 s.
        Assert.Equal(TimeSpan.FromSeconds(30), view.RefreshAfter);
        _cluster.Clock.Advance(view.RefreshAfter - TimeSpan.FromSeconds(1));
        Assert.NotNull(view.TryGet(key));

        _cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(view.TryGet(key));

        // The grain call a batch makes instead counts as the activation's use, for Orleans as for the view.
        Assert.True((await _cluster.Grain(key).GetAsync()).Found);
        Assert.NotNull(view.TryGet(key));
    }

    /// <summary>Reads <paramref name="key"/> through the view and through the grain, and asserts the answers are the same.</summary>
    private async Task<CacheReadResult> AssertSameAsync(string key)
    {
        // The grain call first: the view answers only within a quarter collection age of the activation's last call.
        var called = await _cluster.Grain(key).GetAsync();
        var viewed = ViewOf(key).TryGet(key);
        Assert.NotNull(viewed);
        Assert.Equal(Describe(called), Describe(viewed));
        return viewed;
    }

    private static string Describe(CacheReadResult read) =>
        $"{read.State} {read.Version} {read.LastModified:O} {read.FreshUntil:O} {read.ExpiresAt:O} [{string.Join(',', read.Tags)}] " +
        $"{(read.Value is { } value ? Convert.ToHexString(value.Data) + " " + value.ContentType : "-")} {read.HttpPolicy}";

    private static int HotCount(SiloOperations operations, string key) =>
        operations.HotKeys!.Top(64).FirstOrDefault(h => h.Key == key).Count;

    private IServiceProvider SiloOf(string key) =>
        _cluster.Cluster.Silos.Select(s => s.ServiceProvider).Single(sp => sp.GetRequiredService<EntryReadView>().EntryOf(key) is not null);

    private EntryReadView ViewOf(string key) => SiloOf(key).GetRequiredService<EntryReadView>();

    /// <summary>Polls (a signal, not a timing) until <paramref name="entry"/> left the view.</summary>
    private static async Task LeftAsync(EntryReadView view, string key, CacheEntryGrain entry)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (ReferenceEquals(view.EntryOf(key), entry))
        {
            Assert.True(TimeProvider.System.GetElapsedTime(started) < Patience, "The expired activation did not leave the view.");
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
        }
    }
}
