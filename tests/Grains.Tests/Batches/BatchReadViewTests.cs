using System.Diagnostics;
using CacheCluster.Entries;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Tests.Batches;

/// <summary>
/// Batch gets answered from the silo's <see cref="EntryReadView"/> on a real Redis: a stored write is seen only once
/// Redis acknowledged it, a write-behind one at once, a write the store refused never. Runs its own redis-server, alone
/// (<see cref="AloneCollection"/>), since it pauses and stops it.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class BatchReadViewTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task BatchGet_OfALocalEntry_SeesAStoredWriteOnlyOnceAcknowledged_AWriteBehindOneAtOnce_ARefusedOneNever()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var cluster = await CacheTestCluster.StartAsync(silos: 1, redis: redis.ConnectionString);
        var view = cluster.Cluster.Silos[0].ServiceProvider.GetRequiredService<EntryReadView>();
        var batch = cluster.Client.GetGrain<ICacheBatchGrain>(0);
        var key = CacheTestCluster.NewKey("batch-view");
        var grain = cluster.Grain(key);
        var v1 = await grain.SetAsync(new CacheValue("v1"u8.ToArray()), options: null, CacheWriteCondition.Always);

        // The batch read goes through the view, not the grain: it does not count as the activation's grain call, so
        // the view stops answering a quarter collection age after the set, not after the read.
        cluster.Clock.Advance(view.RefreshAfter - TimeSpan.FromSeconds(1));
        Assert.Equal(("v1", v1.Version), await BatchReadAsync(batch, key));
        cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(view.TryGet(key));
        Assert.Equal(("v1", v1.Version), await BatchReadAsync(batch, key));
        Assert.NotNull(view.TryGet(key));

        // A stored write waiting for Redis: reads meanwhile see the old value; once acknowledged, the new one.
        var writing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (var listener = WriteListener(writing))
        {
            Task<CacheWriteResult> set;
            redis.Pause();
            try
            {
                set = grain.SetAsync(new CacheValue("v2"u8.ToArray()), options: null, CacheWriteCondition.Always);
                await writing.Task.WaitAsync(Patience, TimeProvider.System);
                Assert.Equal(("v1", v1.Version), await BatchReadAsync(batch, key));
                Assert.Equal(v1.Version, view.TryGet(key)!.Version);
            }
            finally
            {
                redis.Resume();
            }

            var v2 = await set.WaitAsync(Patience, TimeProvider.System);
            Assert.Equal(("v2", v2.Version), await BatchReadAsync(batch, key));
        }

        // Write-behind: the grain has it, so reads have it, before Redis does.
        var behindKey = CacheTestCluster.NewKey("batch-view-behind");
        var behind = await cluster.Grain(behindKey).SetAsync(new CacheValue("wb"u8.ToArray()), new CacheEntryOptions { Durability = CacheDurability.WriteBehind }, CacheWriteCondition.Always);
        Assert.False(await redis.Connection.GetDatabase().KeyExistsAsync($"{cluster.ServiceId}/e/{behindKey}"));
        Assert.Equal(("wb", behind.Version), await BatchReadAsync(batch, behindKey));

        // A write the store refuses is never seen.
        await redis.StopAsync();
        await Assert.ThrowsAsync<CacheStorageException>(() => grain.SetAsync(new CacheValue("v3"u8.ToArray()), options: null, CacheWriteCondition.Always));
        Assert.Equal("v2", (await BatchReadAsync(batch, key)).Value);
        Assert.Equal("v2"u8.ToArray(), (await grain.GetAsync()).Value!.Data);
    }

    private static async Task<(string? Value, long Version)> BatchReadAsync(ICacheBatchGrain batch, string key)
    {
        var answer = Assert.Single(await batch.GetManyAsync([key], tracker: null));
        Assert.Null(answer.Error);
        var read = answer.Result!.Result;
        return (read.Value is { } value ? System.Text.Encoding.UTF8.GetString(value.Data) : null, read.Version);
    }

    /// <summary>Completes <paramref name="started"/> when an entry write starts (its span opens before the store call).</summary>
    private static ActivityListener WriteListener(TaskCompletionSource started)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CacheClusterDiagnostics.ActivitySourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStarted = activity =>
            {
                if (activity.OperationName == CacheEntryGrain.WriteSpan)
                {
                    started.TrySetResult();
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
