using CacheCluster.Invalidation;
using CacheCluster.Storage;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Tests.Invalidation;

/// <summary>Rule-driven pattern invalidation never waits behind an operator's request on the same partitions.</summary>
public sealed class RuleInvalidationLaneTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task EventRulePatterns_AreApplied_WhileAnOperatorsPatternRequestHoldsEveryPartition()
    {
        var tags = new MemoryTagIndex();
        var keys = new MemoryKeyIndex();
        var held = new HeldKeyIndex(keys);
        await using var cluster = await CacheTestCluster.StartAsync(silos: 1, configure: silo =>
        {
            // This silo's store indexes into `keys`; its key index grains read them through `held`.
            silo.Services.AddSingleton(new MemoryEntryStore(tags, keys));
            silo.Services.AddSingleton<ITagIndex>(tags);
            silo.Services.AddSingleton<IKeyIndex>(held);
        });
        var user = Guid.NewGuid().ToString("N")[..8];
        await cluster.Cache.SetAsync("op:1", "v");
        await cluster.Cache.SetAsync($"user:{user}:profile", "v");

        RequestContext.Set(HeldKeyIndex.HoldKey, true);
        var operatorRequest = cluster.Client.GetGrain<IInvalidationPublisherGrain>(0).InvalidateAsync([], [], ["op:*"], allowAll: false);
        RequestContext.Clear();
        await held.AllPartitionsHeld.WaitAsync(Bound);

        // The shipped rule for user.updated removes user:{user_id}:* through the same 16 partitions.
        await cluster.Cache.PublishAsync(DomainEvent.Create("user.updated", new { user_id = user }));
        var start = TimeProvider.System.GetTimestamp();
        while (await cluster.Cache.ExistsAsync($"user:{user}:profile"))
        {
            Assert.True(TimeProvider.System.GetElapsedTime(start) < Bound, "The rule's pattern waited behind the operator's request.");
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
        }

        Assert.False(operatorRequest.IsCompleted);
        Assert.True(await cluster.Cache.ExistsAsync("op:1"));
        held.Release();
        Assert.Equal(1, await operatorRequest.WaitAsync(Bound));
        Assert.False(await cluster.Cache.ExistsAsync("op:1"));
    }
}
