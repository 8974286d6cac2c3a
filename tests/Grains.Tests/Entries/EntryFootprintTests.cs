using System.Runtime.CompilerServices;
using CacheCluster.Entries;
using CacheCluster.Eviction;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Tests.Entries;

/// <summary>
/// What an entry costs in memory (issue 18 §5): the record's and the activation's size, and the state an activation
/// makes only when it needs it.
/// </summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class EntryFootprintTests(MemoryClusterFixture fixture)
{
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 0, 0, 0, TimeSpan.Zero);
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    [Fact]
    public void Record_PlainValue_TakesEightyBytes_WithNoSideObject()
    {
        byte[] value = [1, 2, 3];
        _ = Plain(value);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var record = Plain(value);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(80, allocated);
        Assert.Equal((null, null, null, null), (record.ContentType, record.SlidingExpiration, record.AbsoluteExpiresAt, record.HttpPolicy));
        Assert.Empty(record.Tags);
        Assert.Same(value, record.Value);
    }

    [Fact]
    public void Record_RareMembers_AreKept_AndUnsetOnesStayDefault()
    {
        var policy = new CacheHttpPolicy { Public = true };
        var full = new EntryRecord
        {
            Version = 3,
            Kind = CacheEntryKind.Value,
            Value = [7],
            LastModified = Now,
            FreshUntil = Now.AddMinutes(1),
            ExpiresAt = Now.AddMinutes(5),
            SlidingExpiration = TimeSpan.FromMinutes(2),
            AbsoluteExpiresAt = Now.AddHours(1),
            ContentType = "text/plain",
            Tags = ["a", "b"],
            HttpPolicy = policy,
        };
        var tagsOnly = new EntryRecord { Version = 1, Kind = CacheEntryKind.Value, Value = [7], LastModified = Now, Tags = ["t"], SlidingExpiration = TimeSpan.Zero };

        Assert.Equal(
            (3L, Now, Now.AddMinutes(1), Now.AddMinutes(5), TimeSpan.FromMinutes(2), Now.AddHours(1), "text/plain"),
            (full.Version, full.LastModified, full.FreshUntil, full.ExpiresAt, full.SlidingExpiration, full.AbsoluteExpiresAt, full.ContentType));
        Assert.Equal(["a", "b"], full.Tags);
        Assert.Same(policy, full.HttpPolicy);
        Assert.Equal(["t"], tagsOnly.Tags);
        Assert.Equal((null, null, null, null), (tagsOnly.ContentType, tagsOnly.SlidingExpiration, tagsOnly.AbsoluteExpiresAt, tagsOnly.HttpPolicy));
    }

    [Fact]
    public void Grain_Instance_HoldsNoFieldPerSiloService()
    {
        _ = RuntimeHelpers.GetUninitializedObject(typeof(CacheEntryGrain));

        var before = GC.GetAllocatedBytesForCurrentThread();
        _ = RuntimeHelpers.GetUninitializedObject(typeof(CacheEntryGrain));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // 304 B before the services and single flight's state moved out; 184 B after.
        Assert.InRange(allocated, 1, 192);
    }

    [Fact]
    public async Task Grain_WaitState_IsMadeBySingleFlightOnly_AndKeepsItsOutcomes()
    {
        var plain = CacheTestCluster.NewKey("footprint");
        await _cluster.Cache.SetAsync(plain, "v");
        Assert.NotNull(await _cluster.Cache.GetInfoAsync(plain));
        Assert.False(Activation(plain).HasWaitState);

        // A failed fill with no value to fall back on is remembered for the waiters: the state is made then, and kept.
        var failing = CacheTestCluster.NewKey("footprint-fail");
        var grain = _cluster.Grain(failing);
        var lookup = await grain.GetOrLeaseAsync(new CacheLeaseRequest());
        await grain.ReleaseLeaseAsync(lookup.Lease!.Value.Token, CacheLeaseRelease.Failed, "source down", failSafeThrottle: null);

        Assert.True(Activation(failing).HasWaitState);
        Assert.Equal((0, null), ((await grain.GetDiagnosticsAsync()).Waiters, (await grain.GetDiagnosticsAsync()).Lease));
        Assert.Equal(CacheLookupOutcome.LeaseGranted, (await grain.GetOrLeaseAsync(new CacheLeaseRequest())).Outcome);
    }

    private static EntryRecord Plain(byte[] value) => new() { Version = 1, Kind = CacheEntryKind.Value, Value = value, LastModified = Now };

    private CacheEntryGrain Activation(string key) =>
        _cluster.Cluster.Silos
            .SelectMany(silo => silo.ServiceProvider.GetRequiredService<ActiveEntryTable>().Coldest(int.MaxValue, Recency.StampOf(_cluster.Clock.GetUtcNow())))
            .OfType<CacheEntryGrain>()
            .Single(grain => grain.GetPrimaryKeyString() == key);
}
