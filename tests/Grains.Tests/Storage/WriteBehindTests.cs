using CacheCluster.Entries;
using CacheCluster.Hosting;
using CacheCluster.Storage;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CacheCluster.Tests.Storage;

/// <summary>
/// <see cref="CacheDurability.WriteBehind"/> on a real Redis, driven by the fake cache clock: acknowledged before the
/// store has it, flushed within <c>MaxWriteDelay</c>, never an older value over a newer one, drained on deactivation and
/// silo stop, and the per-write override both ways.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class WriteBehindTests(RedisFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(100);
    private readonly RedisServer _redis = fixture.Redis;

    private Task<CacheTestCluster> StartAsync(CacheDurability durability) =>
        CacheTestCluster.StartAsync(1, _redis.ConnectionString, configure: silo =>
        {
            // The host options are one instance, bound and checked at registration: set it as the configuration would.
            var options = ((IOptions<CacheClusterOptions>)silo.Services.Last(d => d.ServiceType == typeof(IOptions<CacheClusterOptions>)).ImplementationInstance!).Value;
            options.Durability = durability;
            options.MaxWriteDelay = Delay;
        });

    private static WriteBehindQueue Queue(CacheTestCluster cluster) =>
        cluster.Cluster.Silos[0].ServiceProvider.GetRequiredService<WriteBehindQueue>();

    private async Task<EntryRecord?> StoredAsync(CacheTestCluster cluster, string key)
    {
        var bytes = (byte[]?)await _redis.Connection.GetDatabase().StringGetAsync($"{cluster.ServiceId}/e/{key}");
        return bytes is null ? null : EntryRecordFormat.Deserialize(bytes);
    }

    /// <summary>Advances the cache clock by <paramref name="by"/> and waits for the flush that starts.</summary>
    private static async Task AdvanceAndFlushAsync(CacheTestCluster cluster, TimeSpan by)
    {
        cluster.Clock.Advance(by);
        await Queue(cluster).WhenFlushedAsync().WaitAsync(WaitLimit);
    }

    [Fact]
    public async Task WriteBehindSilo_AcknowledgesBeforeStoring_StoresWithinMaxWriteDelay_EachKeysLatestInOneFlush_NeverAnOlderOverANewer()
    {
        await using var cluster = await StartAsync(CacheDurability.WriteBehind);
        var key = CacheTestCluster.NewKey();

        var written = await cluster.Cache.SetAsync(key, "v1");

        Assert.Equal(CacheWriteOutcome.Created, written.Outcome);
        Assert.Null(await StoredAsync(cluster, key));
        var read = await cluster.Cache.TryGetAsync<string>(key);
        Assert.Equal(("v1", written.Version), (read.Value, read.Version));
        Assert.Equal(1, Queue(cluster).QueuedCount);

        await AdvanceAndFlushAsync(cluster, Delay - TimeSpan.FromMilliseconds(1));
        Assert.Null(await StoredAsync(cluster, key));

        await AdvanceAndFlushAsync(cluster, TimeSpan.FromMilliseconds(1));
        Assert.Equal(written.Version, (await StoredAsync(cluster, key))?.Version);
        Assert.Equal(0, Queue(cluster).QueuedCount);

        // Many keys, three versions each: one flush stores each key's latest.
        var keys = Enumerable.Range(0, 50).Select(_ => CacheTestCluster.NewKey()).ToArray();
        var latest = new Dictionary<string, long>();
        for (var round = 1; round <= 3; round++)
        {
            foreach (var k in keys)
            {
                latest[k] = (await cluster.Cache.SetAsync(k, $"v{round}")).Version;
            }
        }

        Assert.Equal(keys.Length, Queue(cluster).QueuedCount);
        await AdvanceAndFlushAsync(cluster, Delay);
        foreach (var k in keys)
        {
            Assert.Equal(latest[k], (await StoredAsync(cluster, k))?.Version);
        }

        // v2 goes out; v3 is written while v2 may be in flight and goes out only after it, fenced on v2.
        await cluster.Cache.SetAsync(key, "v2");
        cluster.Clock.Advance(Delay);
        var v3 = await cluster.Cache.SetAsync(key, "v3");
        await Queue(cluster).WhenFlushedAsync().WaitAsync(WaitLimit);
        await AdvanceAndFlushAsync(cluster, Delay);
        Assert.Equal(v3.Version, (await StoredAsync(cluster, key))?.Version);

        // A stored write (the per-write override) after a queued one: both reach Redis in order, the stored one at once.
        await cluster.Cache.SetAsync(key, "v4");
        var stored = await cluster.Cache.SetAsync(key, "v5", new CacheEntryOptions { Durability = CacheDurability.Stored });
        Assert.Equal(stored.Version, (await StoredAsync(cluster, key))?.Version);
        await AdvanceAndFlushAsync(cluster, Delay);
        Assert.Equal(stored.Version, (await StoredAsync(cluster, key))?.Version);
    }

    [Fact]
    public async Task WriteBehindSilo_DeactivationStoresTheQueuedWriteAndDelete_AndAGracefulSiloStopStoresEveryQueuedWrite()
    {
        var cluster = await StartAsync(CacheDurability.WriteBehind);
        var written = new Dictionary<string, long>();
        try
        {
            var key = CacheTestCluster.NewKey();
            var gone = CacheTestCluster.NewKey();
            await cluster.Cache.SetAsync(gone, "stored", new CacheEntryOptions { Durability = CacheDurability.Stored });
            var version = (await cluster.Cache.SetAsync(key, "v")).Version;
            Assert.True(await cluster.Cache.RemoveAsync(gone));
            Assert.NotNull(await StoredAsync(cluster, gone));

            foreach (var k in new[] { key, gone })
            {
                Assert.True(cluster.Cluster.TryGetGrainContext(cluster.Grain(k).GetGrainId(), out var context));
                context!.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "test"));
                await context.Deactivated.WaitAsync(WaitLimit);
            }

            Assert.Equal(version, (await StoredAsync(cluster, key))?.Version);
            Assert.Null(await StoredAsync(cluster, gone));

            for (var i = 0; i < 20; i++)
            {
                var k = CacheTestCluster.NewKey();
                written[k] = (await cluster.Cache.SetAsync(k, $"v{i}")).Version;
            }

            Assert.Equal(20, Queue(cluster).QueuedCount);
            await cluster.Cluster.StopSiloAsync(cluster.Cluster.Silos[0]);
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        foreach (var (k, version) in written)
        {
            Assert.Equal(version, (await StoredAsync(cluster, k))?.Version);
        }
    }

    [Fact]
    public async Task WriteBehindOverride_OnStoredSilo_IsQueued_AndATaggedWriteIsStoredAtOnce()
    {
        await using var cluster = await StartAsync(CacheDurability.Stored);
        var key = CacheTestCluster.NewKey();
        var tagged = CacheTestCluster.NewKey();
        var behind = new CacheEntryOptions { Durability = CacheDurability.WriteBehind };

        var written = await cluster.Cache.SetAsync(key, "v", behind);
        var taggedWrite = await cluster.Cache.SetAsync(tagged, "v", behind with { Tags = ["t"] });

        Assert.Null(await StoredAsync(cluster, key));
        Assert.Equal(taggedWrite.Version, (await StoredAsync(cluster, tagged))?.Version);
        await AdvanceAndFlushAsync(cluster, Delay);
        Assert.Equal(written.Version, (await StoredAsync(cluster, key))?.Version);

        var plain = await cluster.Cache.SetAsync(key, "plain");
        Assert.Equal(plain.Version, (await StoredAsync(cluster, key))?.Version);
    }
}
