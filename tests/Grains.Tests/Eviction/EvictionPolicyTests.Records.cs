using CacheCluster.Eviction;
using CacheCluster.Hosting;
using CacheCluster.Invalidation;
using CacheCluster.Storage;

namespace CacheCluster.Tests.Eviction;

/// <summary>The eviction of stored records: the in-memory store's coldest records, and embedded mode, where records and activations share the bound.</summary>
public sealed partial class EvictionPolicyTests
{
    [Fact]
    public async Task Store_EvictColdest_TakesTheOldestUnheldRecords_WithTheirRegistrations()
    {
        var store = new MemoryEntryStore(_tags, _keys);
        for (var i = 0; i < 10; i++)
        {
            await WriteAsync(store, $"k{i}", Start.AddSeconds(i), tags: ["t"]);
        }

        // k0 is held by an activation: it is picked (oldest) but stays, and nothing warmer goes in its place.
        var k0 = (await store.ReadAsync("k0"))!;
        Assert.True(k0.TryHold());

        Assert.Equal(2, store.EvictColdest(3, Now));

        Assert.Equal(8, store.Count);
        Assert.Null(await store.ReadAsync("k1"));
        Assert.Null(await store.ReadAsync("k2"));
        Assert.Same(k0, await store.ReadAsync("k0"));
        Assert.NotNull(await store.ReadAsync("k3"));
        Assert.Equal(["k0", "k3", "k4", "k5", "k6", "k7", "k8", "k9"], (await _tags.MembersAsync("t", _clock.GetUtcNow())).Order());
        var indexed = new List<string>();
        for (var partition = 0; partition < IKeyIndex.Partitions; partition++)
        {
            indexed.AddRange(await _keys.MembersAsync(partition.ToString(System.Globalization.CultureInfo.InvariantCulture), _clock.GetUtcNow()));
        }

        Assert.Equal(["k0", "k3", "k4", "k5", "k6", "k7", "k8", "k9"], indexed.Order());

        // Released, k0 goes next.
        k0.Release();
        Assert.Equal(1, store.EvictColdest(1, Now));
        Assert.Null(await store.ReadAsync("k0"));
        Assert.False(k0.TryHold());
    }

    [Fact]
    public async Task Store_AKeyRewrittenAfterItsRecordWasEvicted_IsStoredAndRegisteredAsNew()
    {
        var store = new MemoryEntryStore(_tags, _keys);
        await WriteAsync(store, "k", Start, tags: ["t"]);
        Assert.Equal(1, store.EvictColdest(1, Now));

        // The writer that saw nothing writes as a creator; the eviction left it nothing to fence against.
        Assert.True(await store.WriteIndexedAsync("k", Record(2, Start), 0, null, ["t"], IKeyIndex.PartitionOf("k"), [], Start));
        Assert.Equal(["k"], await _tags.MembersAsync("t", Start));
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task Embedded_OverMaxEntries_EvictsUnheldRecords_AndReleasesTheActivationsHoldingColderOnes()
    {
        var store = new MemoryEntryStore(_tags, _keys);
        for (var i = 0; i < 6; i++)
        {
            await WriteAsync(store, $"k{i}", Start.AddSeconds(i));
        }

        // The two oldest records are held by activations (as warm as their records).
        var holders = new List<FakeActivation>();
        foreach (var key in new[] { "k0", "k1" })
        {
            var record = (await store.ReadAsync(key))!;
            record.TryHold();
            holders.Add(Activate(Start, onEvict: () => record.Release()));
        }

        var monitor = NewMonitor(new EvictionOptions { MaxEntries = 3 }, store, new FakeMemory(() => 0));

        // Three must go: k2 (unheld) goes now; k0 and k1 are held, so their activations are told to go.
        Assert.Equal(new EvictionPass(2, 1), monitor.Check(_clock.GetUtcNow()));
        Assert.Equal(5, store.Count);
        Assert.Null(await store.ReadAsync("k2"));
        Assert.All(holders, h => Assert.Equal(EvictionReason.Entries, h.Reason));

        // Next pass, their records go.
        Assert.Equal(new EvictionPass(0, 2), monitor.Check(_clock.GetUtcNow()));
        Assert.Equal(["k3", "k4", "k5"], (await Task.WhenAll(Enumerable.Range(0, 6).Select(i => store.ReadAsync($"k{i}")))).Select((r, i) => r is null ? null : $"k{i}").OfType<string>());
        Assert.Equal(3, _metrics["cachecluster.evictions{outcome=removed,reason=entries}"]);
        Assert.Equal(2, _metrics["cachecluster.evictions{outcome=deactivated,reason=entries}"]);
    }

    [Fact]
    public async Task Embedded_MemoryThatActivationsCannotCover_EvictsTheOldestRecords_ByTheirEstimatedSize()
    {
        // 1,000 records of 40 KiB (about 39 MiB by estimate) above 51 MiB of everything else: 90.4 MiB of a 100 MiB
        // bound, over its high-water mark; about 15 MiB must go to reach the target.
        var store = new MemoryEntryStore(_tags, _keys);
        for (var i = 0; i < 1000; i++)
        {
            await WriteAsync(store, $"k{i:D4}", Start.AddSeconds(i), valueBytes: 40 * 1024);
        }

        var memory = new FakeMemory(() => (51L * MiB) + store.EstimatedBytes);
        var monitor = NewMonitor(new EvictionOptions { MaxMemoryMB = 100 }, store, memory);
        var perRecord = store.EstimatedBytes / store.Count;
        var expected = (int)Math.Ceiling((memory.ResidentBytes() - (100L * MiB * EntryEvictionMonitor.LowWater)) / perRecord);
        Assert.InRange(expected, 100, 900);

        var pass = monitor.Check(_clock.GetUtcNow());

        Assert.Equal(new EvictionPass(0, expected), pass);
        Assert.Equal(1000 - expected, store.Count);
        Assert.Null(await store.ReadAsync($"k{expected - 1:D4}"));
        Assert.NotNull(await store.ReadAsync($"k{expected:D4}"));
        Assert.True(memory.ResidentBytes() <= 100L * MiB * EntryEvictionMonitor.LowWater);
        Assert.Equal(expected, _metrics["cachecluster.evictions{outcome=removed,reason=memory}"]);
    }
}
