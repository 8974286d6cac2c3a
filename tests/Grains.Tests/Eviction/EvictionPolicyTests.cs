using System.Diagnostics.Metrics;
using CacheCluster.Diagnostics;
using CacheCluster.Entries;
using CacheCluster.Eviction;
using CacheCluster.Hosting;
using CacheCluster.Invalidation;
using CacheCluster.Storage;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CacheCluster.Tests.Eviction;

/// <summary>
/// The eviction policy on fake time, fake activations and fake process memory: which entries go first, how many, and
/// at which thresholds.
/// </summary>
public sealed partial class EvictionPolicyTests : IDisposable
{
    private const int MiB = 1024 * 1024;
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MetricRecorder _metrics;
    private readonly MemoryTagIndex _tags = new();
    private readonly MemoryKeyIndex _keys = new();
    private readonly EvictionTrigger _trigger = new();

    public EvictionPolicyTests()
    {
        _metrics = new MetricRecorder([_meters.GetRequiredService<IMeterFactory>()]);
        Table = new ActiveEntryTable(_trigger);

        // An hour after the entries' stamps below, so that their ages differ.
        _clock.Advance(TimeSpan.FromHours(1));
    }

    private ActiveEntryTable Table { get; }

    private int Now => Recency.StampOf(_clock.GetUtcNow());

    public void Dispose()
    {
        _metrics.Dispose();
        _meters.Dispose();
        _trigger.Dispose();
    }

    [Fact]
    public void Cutoff_TakesWholeOlderBuckets_ThenPartOfTheCutoffBucket()
    {
        var histogram = new int[Recency.Buckets];
        histogram[0] = 5;
        histogram[3] = 2;
        histogram[10] = 4;

        Assert.Equal((10, 3), ColdestSelector.Cutoff(histogram, 3));
        Assert.Equal((10, 4), ColdestSelector.Cutoff(histogram, 4));
        Assert.Equal((3, 1), ColdestSelector.Cutoff(histogram, 5));
        Assert.Equal((0, 5), ColdestSelector.Cutoff(histogram, 100));
        Assert.Equal((-1, 0), ColdestSelector.Cutoff(new int[Recency.Buckets], 1));
    }

    [Fact]
    public void ActiveEntries_OverMaxEntries_LeastRecentlyUsedGoFirst()
    {
        // Ten activations used one second apart; then the second and fourth are used again.
        var activations = Enumerable.Range(0, 10).Select(i => Activate(Start.AddSeconds(i))).ToList();
        _clock.Advance(TimeSpan.FromSeconds(20));
        activations[1].LastUsed = Now;
        activations[3].LastUsed = Now;
        var monitor = NewMonitor(new EvictionOptions { MaxEntries = 6 }, store: null, new FakeMemory(() => 0));

        var pass = monitor.Check(_clock.GetUtcNow());

        Assert.Equal(new EvictionPass(4, 0), pass);
        Assert.Equal([0, 2, 4, 5], activations.Select((a, i) => (a, i)).Where(p => p.a.Reason is not null).Select(p => p.i));
        Assert.All(activations.Where(a => a.Reason is not null), a => Assert.Equal(EvictionReason.Entries, a.Reason));
        Assert.Equal(4, _metrics["cachecluster.evictions{outcome=deactivated,reason=entries}"]);
        Assert.Equal(6, Table.Count);

        // At the limit nothing more goes.
        Assert.Equal(default, monitor.Check(_clock.GetUtcNow()));
    }

    [Fact]
    public void ActiveEntries_AlreadyGoingOrLeased_AreNotPickedAgain()
    {
        var going = Activate(Start, deactivateAtOnce: false);
        var leased = Activate(Start);
        leased.HasLease = true;
        var warm = Activate(Start.AddSeconds(5));
        var monitor = NewMonitor(new EvictionOptions { MaxEntries = 2 }, store: null, new FakeMemory(() => 0));

        Assert.Equal(new EvictionPass(1, 0), monitor.Check(_clock.GetUtcNow()));
        Assert.Equal(EvictionReason.Entries, going.Reason);
        Assert.Null(leased.Reason);
        Assert.Equal(1, Table.Going);

        // The first is still deactivating, so it no longer counts: nothing else is asked to go.
        Assert.Equal(default, monitor.Check(_clock.GetUtcNow()));
        Assert.Null(warm.Reason);
        Assert.Equal(1, _metrics["cachecluster.evictions"]);

        // Gone, it leaves the table and the count of those going.
        Table.Remove(going);
        Assert.Equal(0, Table.Going);
        Assert.Equal(2, Table.Count);
    }

    [Fact]
    public void Memory_UnderTheHighWaterMark_NothingGoes()
    {
        for (var i = 0; i < 100; i++)
        {
            Activate(Start.AddSeconds(i));
        }

        var bound = 100L * MiB;
        var monitor = NewMonitor(new EvictionOptions { MaxMemoryMB = 100 }, store: null, new FakeMemory(() => (long)(bound * EntryEvictionMonitor.HighWater)));

        Assert.Equal(default, monitor.Check(_clock.GetUtcNow()));
        Assert.Equal(100, Table.Count);
        Assert.Equal(0, _metrics["cachecluster.evictions"]);
    }

    [Fact]
    public async Task Memory_OverTheHighWaterMark_ActivationsGoBeforeAnyRecord()
    {
        // 75 MiB of baseline, 3,000 activations (under their cap of 3,413) of the estimated size and 100 small records:
        // 83.8 MiB of a 100 MiB bound, over its 80 % mark. The activations hold less than the 13.8 MiB to free, so
        // all go; so does the records' share of the rest, oldest first.
        var store = new MemoryEntryStore(_tags, _keys);
        for (var i = 0; i < 100; i++)
        {
            await WriteAsync(store, $"k{i:D3}", Start.AddSeconds(i));
        }

        var activations = Enumerable.Range(0, 3_000).Select(i => Activate(Start.AddSeconds(i / 30))).ToList();
        var memory = new FakeMemory(() => (75L * MiB) + ((long)Table.Count * EntryEvictionMonitor.ActivationBytes));
        var monitor = NewMonitor(new EvictionOptions { MaxMemoryMB = 100 }, store, memory);
        Assert.True(memory.ResidentBytes() > 100L * MiB * EntryEvictionMonitor.HighWater);

        var pass = monitor.Check(_clock.GetUtcNow());

        Assert.Equal(new EvictionPass(3_000, 100), pass);
        Assert.All(activations, a => Assert.Equal(EvictionReason.Memory, a.Reason));
        Assert.Equal(3_000, _metrics["cachecluster.evictions{outcome=deactivated,reason=memory}"]);
        Assert.Equal(100, _metrics["cachecluster.evictions{outcome=removed,reason=memory}"]);

        // It collected garbage once first (the fake's memory did not come down).
        Assert.Equal(1, memory.Collections);
    }

    [Fact]
    public void Memory_CapsActivationsByCount_AtTheirShareOfTheBound_OldestFirst()
    {
        var activations = Enumerable.Range(0, 10_000).Select(i => Activate(Start.AddSeconds(i / 100))).ToList();
        var monitor = NewMonitor(new EvictionOptions { MaxMemoryMB = 100 }, store: null, new FakeMemory(() => 0));
        var cap = (int)(100L * MiB * EntryEvictionMonitor.ActivationShare / EntryEvictionMonitor.ActivationBytes);

        Assert.Equal(new EvictionPass(10_000 - cap, 0), monitor.Check(_clock.GetUtcNow()));

        Assert.Equal(cap, Table.Count);
        Assert.True(activations.Where(a => a.Reason is not null).Max(a => a.LastUsed) <= activations.Where(a => a.Reason is null).Min(a => a.LastUsed));
        Assert.Equal(10_000 - cap, _metrics["cachecluster.evictions{outcome=deactivated,reason=memory}"]);
    }

    [Fact]
    public void Memory_StillOverAfterAPass_CollectsGarbageBeforeEvictingMore_AndNeverMoreThanTheEntriesHold()
    {
        // 95 MiB of a 100 MiB bound, which only the second collection brings down (to 50 MiB).
        var resident = 95L * MiB;
        var memory = new FakeMemory(() => resident);
        memory.OnCollect = () => resident = memory.Collections == 2 ? 50L * MiB : resident;
        var activations = Enumerable.Range(0, 100).Select(_ => Activate(Start)).ToList();
        var monitor = NewMonitor(new EvictionOptions { MaxMemoryMB = 100 }, store: null, memory);

        // The first pass collects, is still 25 MiB over the target, and sheds the activations: all 100, as they hold
        // only 300 KiB by estimate. The memory has not come down yet.
        Assert.Equal(new EvictionPass(100, 0), monitor.Check(_clock.GetUtcNow()));
        Assert.Equal(1, memory.Collections);

        // The second collects again before anything else, sees the memory back under the mark, and evicts nothing.
        _clock.Advance(EntryEvictionMonitor.CheckInterval);
        Assert.Equal(default, monitor.Check(_clock.GetUtcNow()));
        Assert.Equal(2, memory.Collections);

        // Over the mark with no entries left, nothing can go; it collects at most once per interval.
        resident = 95L * MiB;
        _clock.Advance(EntryEvictionMonitor.CheckInterval);
        Assert.Equal(default, monitor.Check(_clock.GetUtcNow()));
        Assert.Equal(2, memory.Collections);
        _clock.Advance(EntryEvictionMonitor.CollectInterval);
        Assert.Equal(default, monitor.Check(_clock.GetUtcNow()));
        Assert.Equal(3, memory.Collections);
        Assert.Equal(100, _metrics["cachecluster.evictions"]);
    }

    [Fact]
    public void Memory_OverTheTargetByMoreThanTheEntriesHold_WarnsToRaiseTheBound_AtMostOncePerInterval()
    {
        // 95 MiB of a 100 MiB bound that no collection brings down: 25 MiB over the target, 300 KiB of entries.
        var memory = new FakeMemory(() => 95L * MiB);
        var logger = new FakeLogger<EntryEvictionMonitor>();
        foreach (var _ in Enumerable.Range(0, 100))
        {
            Activate(Start);
        }

        var monitor = NewMonitor(new EvictionOptions { MaxMemoryMB = 100 }, store: null, memory, logger);

        Assert.Equal(new EvictionPass(100, 0), monitor.Check(_clock.GetUtcNow()));
        var warning = Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("CacheCluster:MaxMemoryMB (100 MiB)", warning.Message, StringComparison.Ordinal);
        Assert.Contains("raise MaxMemoryMB", warning.Message, StringComparison.Ordinal);

        // Still over with nothing left: collected again, not warned again within the interval...
        _clock.Advance(EntryEvictionMonitor.CollectInterval);
        monitor.Check(_clock.GetUtcNow());
        Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);

        // ...but after it.
        _clock.Advance(EntryEvictionMonitor.TooSmallWarningInterval);
        monitor.Check(_clock.GetUtcNow());
        Assert.Equal(2, logger.Collector.GetSnapshot().Count(r => r.Level == LogLevel.Warning));
    }

    [Fact]
    public async Task Memory_OverTheMarkButWithinWhatTheEntriesHold_DoesNotWarn()
    {
        // 85 MiB of a 100 MiB bound: 15 MiB over the target, with 20 MB of embedded records to take it from.
        var memory = new FakeMemory(() => 85L * MiB);
        var logger = new FakeLogger<EntryEvictionMonitor>();
        var store = new MemoryEntryStore(_tags, _keys);
        for (var i = 0; i < 200; i++)
        {
            await WriteAsync(store, $"k{i}", Start.AddSeconds(i), valueBytes: 100_000);
        }

        var monitor = NewMonitor(new EvictionOptions { MaxMemoryMB = 100 }, store, memory, logger);

        Assert.True(monitor.Check(_clock.GetUtcNow()).Removed > 0);
        Assert.DoesNotContain(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
    }

    private static EntryRecord Record(long version, DateTimeOffset at, string[]? tags = null, int valueBytes = 100) => new()
    {
        Version = version,
        Kind = CacheEntryKind.Value,
        Value = new byte[valueBytes],
        LastModified = at,
        LastUsed = Recency.StampOf(at),
        Tags = tags ?? [],
    };

    private static Task<bool> WriteAsync(MemoryEntryStore store, string key, DateTimeOffset at, string[]? tags = null, int valueBytes = 100) =>
        store.WriteIndexedAsync(key, Record(1, at, tags, valueBytes), 0, null, tags ?? [], IKeyIndex.PartitionOf(key), [], at);

    private FakeActivation Activate(DateTimeOffset lastUsed, bool deactivateAtOnce = true, Action? onEvict = null)
    {
        var activation = new FakeActivation(Table, Recency.StampOf(lastUsed), deactivateAtOnce, onEvict);
        Table.Add(activation);
        return activation;
    }

    private EntryEvictionMonitor NewMonitor(EvictionOptions options, MemoryEntryStore? store, FakeMemory memory, ILogger<EntryEvictionMonitor>? logger = null)
    {
        var services = new ServiceCollection();
        if (store is not null)
        {
            services.AddSingleton<IEntryStore>(store);
        }

        return new EntryEvictionMonitor(
            Table,
            services.BuildServiceProvider(),
            memory,
            _trigger,
            new CacheClusterMetrics(_meters.GetRequiredService<IMeterFactory>()),
            _clock,
            Options.Create(options),
            logger ?? NullLogger<EntryEvictionMonitor>.Instance);
    }

    private sealed class FakeActivation(ActiveEntryTable table, int lastUsed, bool deactivateAtOnce, Action? onEvict) : IResidentActivation
    {
        public int ResidentIndex { get; set; } = -1;

        public int LastUsed { get; set; } = lastUsed;

        public bool HasLease { get; set; }

        public EvictionReason? Reason { get; private set; }

        public bool IsGoing => Reason is not null;

        public bool IsEvictable => Reason is null && !HasLease;

        public bool TryEvict(EvictionReason reason)
        {
            if (Reason is not null)
            {
                return false;
            }

            Reason = reason;
            if (deactivateAtOnce)
            {
                table.Remove(this);
                onEvict?.Invoke();
            }

            return true;
        }
    }

    private sealed class FakeMemory(Func<long> resident) : IProcessMemory
    {
        public Func<long> Heap { get; init; } = () => 0;

        public Action? OnCollect { get; set; }

        public int Collections { get; private set; }

        public long ResidentBytes() => resident();

        public long ManagedHeapBytes() => Heap();

        public void Collect()
        {
            Collections++;
            OnCollect?.Invoke();
        }

        public void CollectInBackground() => throw new InvalidOperationException("The memory bound reads the resident set right after its collection: it must not run in the background.");
    }
}
