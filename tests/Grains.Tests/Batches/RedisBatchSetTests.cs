using CacheCluster.Entries;
using CacheCluster.Storage;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;

namespace CacheCluster.Tests.Batches;

/// <summary>Batch sets of local keys on a real Redis: the pipelined commit is what a new activation loads.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisBatchSetTests(RedisFixture fixture)
{
    [Fact]
    public async Task SetMany_OfLocalKeys_IsLoadedFromRedisByTheNextActivation()
    {
        await using var cluster = await CacheTestCluster.StartAsync(silos: 1, redis: fixture.Redis.ConnectionString);
        var silo = cluster.Cluster.Silos[0];
        var view = silo.ServiceProvider.GetRequiredService<EntryReadView>();
        var keys = Enumerable.Range(0, 10).Select(i => CacheTestCluster.NewKey($"bs-redis{i}")).ToArray();
        await Task.WhenAll(keys.Select(key => cluster.Grain(key).SetAsync(BatchSetTests.Value("v1"), null, CacheWriteCondition.Always)));
        Assert.All(keys, key => Assert.True(BatchSetTests.IsActiveOn(silo, key)));
        var active = keys.Select(view.EntryOf).ToArray();

        var answers = await BatchSetTests.BatchOn(silo).SetManyAsync([.. keys.Select(key => new CacheBatchWrite(key, BatchSetTests.Value("v2"), new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(5) }))]);

        Assert.All(answers, a => Assert.Equal(CacheWriteOutcome.Replaced, a.Result!.Outcome));
        var store = silo.ServiceProvider.GetRequiredService<IEntryStore>();
        for (var i = 0; i < keys.Length; i++)
        {
            Assert.Equal(answers[i].Result!.Version, (await store.ReadAsync(keys[i]))!.Version);
        }

        // New activations load what Redis has.
        await Task.WhenAll(keys.Select(key => cluster.Grain(key).AsReference<IGrainManagementExtension>().DeactivateOnIdle().AsTask()));
        await Task.WhenAll(active.Select(entry => entry!.GrainContext.Deactivated)).WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System);

        Assert.DoesNotContain(keys, key => active.Contains(view.EntryOf(key)));
        for (var i = 0; i < keys.Length; i++)
        {
            Assert.Equal(("v2", answers[i].Result!.Version), BatchSetTests.Read(await cluster.Grain(keys[i]).GetAsync()));
        }
    }
}
