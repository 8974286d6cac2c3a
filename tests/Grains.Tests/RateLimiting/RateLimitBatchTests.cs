using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.RateLimiting;

/// <summary>Concurrent decisions for one limiter travel together; each is still decided by that limiter, exactly and in order.</summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class RateLimitBatchTests(MemoryClusterFixture fixture)
{
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    private static string NewId() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task ConcurrentDecisions_OnOneLimiter_AdmitExactlyTheLimit_EachRemainingOnce()
    {
        var limiter = _cluster.NewRateLimiter();
        var id = NewId();
        AlignToMinute();

        var decisions = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => limiter.AcquireAsync(TestPolicies.Fixed, id)));

        var allowed = decisions.Where(d => d.Allowed).ToArray();
        Assert.Equal(10, allowed.Length);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), allowed.Select(d => d.Remaining).Order());
        Assert.All(decisions.Where(d => !d.Allowed), d => Assert.Equal(TimeSpan.FromSeconds(60), d.RetryAfter));
        Assert.Equal(0, (await limiter.AcquireAsync(TestPolicies.Fixed, id, 0)).Remaining);
    }

    [Fact]
    public async Task ConcurrentDecisions_ABadOneFailsAlone_TheOthersAreCounted()
    {
        var limiter = _cluster.NewRateLimiter();
        var id = NewId();
        AlignToMinute();

        var good = Enumerable.Range(0, 8).Select(_ => limiter.AcquireAsync(TestPolicies.Fixed, id)).ToArray();
        var tooMany = limiter.AcquireAsync(TestPolicies.Fixed, id, 11);
        var unknown = limiter.AcquireAsync("no-such-policy", id);

        Assert.All(await Task.WhenAll(good), d => Assert.True(d.Allowed));
        await Assert.ThrowsAsync<InvalidRateLimitRequestException>(() => tooMany);
        Assert.Equal("no-such-policy", (await Assert.ThrowsAsync<UnknownRateLimitPolicyException>(() => unknown)).Policy);
        Assert.Equal(2, (await limiter.AcquireAsync(TestPolicies.Fixed, id, 0)).Remaining);
    }

    [Fact]
    public async Task LimiterGrain_AcquireMany_DecidesInOrder_OrCountsNothingWhenOneIsBad()
    {
        var id = NewId();
        var grain = _cluster.Client.GetGrain<IRateLimiterGrain>($"{TestPolicies.Fixed}/{id}");
        AlignToMinute();

        await Assert.ThrowsAsync<InvalidRateLimitRequestException>(() => grain.AcquireManyAsync([1, 11]));
        var decisions = await grain.AcquireManyAsync([3, 5, 4, 0]);

        Assert.Equal([true, true, false, true], decisions.Select(d => d.Allowed));
        Assert.Equal([7L, 2, 2, 2], decisions.Select(d => d.Remaining));
        Assert.Equal(TimeSpan.FromSeconds(60), decisions[2].RetryAfter);
    }

    private void AlignToMinute()
    {
        var now = _cluster.Clock.GetUtcNow();
        var intoMinute = TimeSpan.FromTicks(now.UtcTicks % TimeSpan.TicksPerMinute);
        if (intoMinute > TimeSpan.Zero)
        {
            _cluster.Clock.Advance(TimeSpan.FromMinutes(1) - intoMinute);
        }
    }
}
