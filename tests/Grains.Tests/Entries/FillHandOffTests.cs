using System.Diagnostics.Metrics;
using CacheCluster.Storage;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Tests.Entries;

/// <summary>
/// A GetOrSet fill whose value the store refuses (Redis stopped): the filler gets the storage error, every caller
/// parked on its lease gets the computed value, flagged as not stored, and no later caller does. Runs its own
/// redis-server, alone (<see cref="AloneCollection"/>), since it stops it.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class FillHandOffTests
{
    private const int Waiters = 3;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    // The cache clock is fake and never advanced here: the lease cannot expire and waiters leave only when woken.
    private static readonly CacheLeaseRequest Request = new() { Wait = CacheLeaseRequest.MaxWait };

    [Fact]
    public async Task CacheEntryGrain_FillNotStored_HandsTheValueToEveryParkedWaiter_FlaggedNotStored_AndNotToLaterCallers()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var cluster = await CacheTestCluster.StartAsync(silos: 1, redis: redis.ConnectionString);
        using var metrics = new MetricRecorder([cluster.Cluster.Silos[0].ServiceProvider.GetRequiredService<IMeterFactory>()]);
        var key = CacheTestCluster.NewKey("handoff");
        var grain = cluster.Grain(key);

        // Activated (and loaded: no entry) while Redis is up; then Redis goes away.
        Assert.False(await grain.ExistsAsync());
        await redis.StopAsync();

        var holder = await grain.GetOrLeaseAsync(Request);
        Assert.Equal(CacheLookupOutcome.LeaseGranted, holder.Outcome);
        var parked = metrics.WaitForAsync("cachecluster.lease.waits", Waiters, Patience);
        var waiters = Enumerable.Range(0, Waiters).Select(_ => grain.GetOrLeaseAsync(Request)).ToList();
        await parked;

        var computed = new CacheValue("computed"u8.ToArray(), "text/plain");
        await Assert.ThrowsAsync<CacheStorageException>(() => grain.FillAsync(holder.Lease!.Value.Token, computed, new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(5) }));

        foreach (var lookup in await Task.WhenAll(waiters).WaitAsync(Patience, TimeProvider.System))
        {
            Assert.Equal(CacheLookupOutcome.Hit, lookup.Outcome);
            Assert.True(lookup.HandedOff);
            Assert.Null(lookup.Lease);
            Assert.Equal("computed"u8.ToArray(), lookup.Entry!.Value!.Data);
            Assert.Equal("text/plain", lookup.Entry.Value.ContentType);
            Assert.Equal(CacheEntryState.Fresh, lookup.Entry.State);
            Assert.Equal(0, lookup.Entry.Version);
        }

        // The hand-off was for that wait round only: the next caller finds no entry and gets the lease.
        var later = await grain.GetOrLeaseAsync(Request);
        Assert.Equal(CacheLookupOutcome.LeaseGranted, later.Outcome);
        Assert.False(later.HandedOff);
        Assert.Null(later.Entry);
        Assert.False(await grain.ExistsAsync());

        // The filler's lease ended with the hand-off: its release is a no-op, and the new holder's fill is the one that counts.
        await grain.ReleaseLeaseAsync(holder.Lease!.Value.Token, CacheLeaseRelease.Failed, "Storing the computed value failed", failSafeThrottle: null);
        await redis.RestartAsync();
        var stored = new CacheValue("stored"u8.ToArray(), "text/plain");
        await WaitForRedisAsync(cluster);
        var fill = await grain.FillAsync(later.Lease!.Value.Token, stored, options: null);
        Assert.Equal(CacheWriteOutcome.Created, fill.Outcome);
        Assert.True(fill.Version > 0);
        var hit = await grain.GetOrLeaseAsync(Request);
        Assert.Equal(CacheLookupOutcome.Hit, hit.Outcome);
        Assert.False(hit.HandedOff);
        Assert.Equal("stored"u8.ToArray(), hit.Entry!.Value!.Data);
    }

    [Fact]
    public async Task CacheEntryGrain_FillNotStored_WithNoWaiters_LeavesNothingForLaterCallers()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var cluster = await CacheTestCluster.StartAsync(silos: 1, redis: redis.ConnectionString);
        var grain = cluster.Grain(CacheTestCluster.NewKey("handoff-alone"));
        Assert.False(await grain.ExistsAsync());
        await redis.StopAsync();

        var holder = await grain.GetOrLeaseAsync(Request);
        await Assert.ThrowsAsync<CacheStorageException>(() => grain.FillAsync(holder.Lease!.Value.Token, new CacheValue("computed"u8.ToArray()), options: null));

        // Nobody waited, so nobody gets the value; the lease is free at once (not after its timeout).
        var next = await grain.GetOrLeaseAsync(Request);
        Assert.Equal(CacheLookupOutcome.LeaseGranted, next.Outcome);
        Assert.False(next.HandedOff);
        Assert.Null(next.Entry);
    }

    /// <summary>Polls the silo's Redis connection (a signal, not a sleep) until it is available again.</summary>
    private static async Task WaitForRedisAsync(CacheTestCluster cluster)
    {
        var connection = cluster.Cluster.Silos[0].ServiceProvider.GetRequiredService<RedisConnection>();
        var started = TimeProvider.System.GetTimestamp();
        while (!connection.IsAvailable)
        {
            if (TimeProvider.System.GetElapsedTime(started) > Patience)
            {
                throw new TimeoutException($"The silo's Redis connection did not come back within {Patience.TotalSeconds} s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        }
    }
}
