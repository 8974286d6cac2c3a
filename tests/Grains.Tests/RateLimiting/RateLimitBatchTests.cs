using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.RateLimiting;

/// <summary>Concurrent decisions travel in batches; each is still decided by its own limiter, exactly and in order.</summary>
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
    public async Task BatchGrain_AnswersInOrder_EachErrorItsOwn()
    {
        var id = NewId();
        var key = $"{TestPolicies.Fixed}/{id}";
        AlignToMinute();
        var batch = _cluster.Client.GetGrain<IRateLimitBatchGrain>(0);

        var answer = await batch.AcquireManyAsync([key, key, $"nope/{id}", key, $"{TestPolicies.Fixed}/{NewId()}"], [2, 11, 1, 3, 10]);

        Assert.Equal(new RateLimitDecision { Allowed = true, Limit = 10, Remaining = 8, ResetAfter = TimeSpan.FromSeconds(60), WindowSeconds = 60 }, answer.Decisions[0]);
        Assert.IsType<InvalidRateLimitRequestException>(answer.Errors![1]);
        Assert.IsType<UnknownRateLimitPolicyException>(answer.Errors[2]);
        Assert.Equal(5, answer.Decisions[3].Remaining);
        Assert.True(answer.Decisions[3].Allowed);
        Assert.Equal(0, answer.Decisions[4].Remaining);
        Assert.Equal([false, true, true, false, false], answer.Errors.Select(e => e is not null));
        Assert.Equal(5, (await _cluster.NewRateLimiter().AcquireAsync(TestPolicies.Fixed, id, 0)).Remaining);
    }

    [Fact]
    public async Task BatchGrain_RefusesAMalformedBatchWhole_CountingNothing()
    {
        var id = NewId();
        var key = $"{TestPolicies.Fixed}/{id}";
        var batch = _cluster.Client.GetGrain<IRateLimitBatchGrain>(0);

        await Assert.ThrowsAsync<InvalidRateLimitRequestException>(() => batch.AcquireManyAsync([key, key], [1]));
        await Assert.ThrowsAsync<InvalidRateLimitRequestException>(() =>
            batch.AcquireManyAsync(Enumerable.Repeat(key, IRateLimitBatchGrain.MaxDecisions + 1).ToArray(), new int[IRateLimitBatchGrain.MaxDecisions + 1]));
        Assert.Equal(10, (await _cluster.NewRateLimiter().AcquireAsync(TestPolicies.Fixed, id, 0)).Remaining);
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
