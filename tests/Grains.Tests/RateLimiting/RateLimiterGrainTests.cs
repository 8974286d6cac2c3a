using System.Threading.RateLimiting;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.RateLimiting;

[Collection(MemoryClusterCollection.Name)]
public sealed class RateLimiterGrainTests(MemoryClusterFixture fixture)
{
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    private static string NewId() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task FixedWindow_SeedBugIsGone_CallerOncePerSecondIsReleasedWhenWindowEnds()
    {
        var limiter = _cluster.NewRateLimiter();
        var id = NewId();
        AlignToMinute();

        var allowed = new List<int>();
        for (var second = 0; second < 75; second++)
        {
            var decision = await limiter.AcquireAsync(TestPolicies.Fixed, id);
            if (decision.Allowed)
            {
                allowed.Add(second);
            }
            else
            {
                Assert.Equal(TimeSpan.FromSeconds(60 - (second % 60)), decision.RetryAfter);
            }

            _cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal([.. Enumerable.Range(0, 10), .. Enumerable.Range(60, 10)], allowed);
    }

    [Fact]
    public async Task Decision_ReportsLimitRemainingRetryAndReset()
    {
        var limiter = _cluster.NewRateLimiter();
        var id = NewId();

        var first = await limiter.AcquireAsync(TestPolicies.Gcra, id);
        var peek = await limiter.AcquireAsync(TestPolicies.Gcra, id, permits: 0);

        Assert.Equal(new RateLimitDecision { Allowed = true, Limit = 16, Remaining = 15, RetryAfter = TimeSpan.Zero, ResetAfter = TimeSpan.FromSeconds(2), WindowSeconds = 60 }, first);
        Assert.Equal(first with { ResetAfter = TimeSpan.FromSeconds(2) }, peek);
        var burst = await limiter.AcquireAsync(TestPolicies.Gcra, id, permits: 15);
        var refused = await limiter.AcquireAsync(TestPolicies.Gcra, id);
        Assert.True(burst.Allowed);
        Assert.Equal(new RateLimitDecision { Allowed = false, Limit = 16, Remaining = 0, RetryAfter = TimeSpan.FromSeconds(2), ResetAfter = TimeSpan.FromSeconds(32), WindowSeconds = 60 }, refused);
    }

    [Fact]
    public async Task TokenBucket_RefillsWithFakeTime()
    {
        var limiter = _cluster.NewRateLimiter();
        var id = NewId();

        Assert.True((await limiter.AcquireAsync(TestPolicies.Bucket, id, 4)).Allowed);
        var empty = await limiter.AcquireAsync(TestPolicies.Bucket, id);
        Assert.Equal(TimeSpan.FromSeconds(2), empty.RetryAfter);

        _cluster.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True((await limiter.AcquireAsync(TestPolicies.Bucket, id)).Allowed);
        Assert.False((await limiter.AcquireAsync(TestPolicies.Bucket, id)).Allowed);
    }

    [Fact]
    public async Task ShadowMode_AlwaysAllows_ButReportsWhatItWouldRefuse()
    {
        var limiter = _cluster.NewRateLimiter();
        var id = NewId();
        AlignToMinute();

        var decisions = new List<RateLimitDecision>();
        for (var i = 0; i < 4; i++)
        {
            decisions.Add(await limiter.AcquireAsync(TestPolicies.Shadow, id));
        }

        Assert.All(decisions, d => Assert.True(d.Allowed));
        Assert.Equal([false, false, true, true], decisions.Select(d => d.ShadowLimited));
        Assert.Equal(0, decisions[3].Remaining);
    }

    [Fact]
    public async Task BadInputs_AreClearErrors_AndCountNothing()
    {
        var limiter = _cluster.NewRateLimiter();
        var id = NewId();

        await Assert.ThrowsAsync<InvalidRateLimitRequestException>(() => limiter.AcquireAsync(TestPolicies.Fixed, id, -1));
        await Assert.ThrowsAsync<InvalidRateLimitRequestException>(() => limiter.AcquireAsync(TestPolicies.Fixed, id, 11));
        await Assert.ThrowsAsync<InvalidRateLimitRequestException>(() => limiter.AcquireAsync(TestPolicies.Fixed, string.Empty));
        await Assert.ThrowsAsync<InvalidRateLimitRequestException>(() => limiter.AcquireAsync(TestPolicies.Fixed, new string('x', 10 * 1024)));
        await Assert.ThrowsAsync<InvalidRateLimitRequestException>(() => limiter.AcquireAsync(TestPolicies.Fixed, "bad\nid"));
        await Assert.ThrowsAsync<InvalidRateLimitRequestException>(() => limiter.AcquireAsync("a/b", id));
        var unknown = await Assert.ThrowsAsync<UnknownRateLimitPolicyException>(() => limiter.AcquireAsync("no-such-policy", id));
        Assert.Equal("no-such-policy", unknown.Policy);

        // Straight to the grain, the silo checks too.
        await Assert.ThrowsAsync<InvalidRateLimitRequestException>(() => _cluster.Client.GetGrain<IRateLimiterGrain>($"{TestPolicies.Fixed}/{id}").AcquireAsync(-5));
        await Assert.ThrowsAsync<InvalidRateLimitRequestException>(() => _cluster.Client.GetGrain<IRateLimiterGrain>($"{TestPolicies.Fixed}/{id}").AcquireAsync(int.MaxValue));
        await Assert.ThrowsAsync<UnknownRateLimitPolicyException>(() => _cluster.Client.GetGrain<IRateLimiterGrain>($"nope/{id}").AcquireAsync(1));
        await Assert.ThrowsAsync<InvalidRateLimitRequestException>(() => _cluster.Client.GetGrain<IRateLimiterGrain>(TestPolicies.Fixed).AcquireAsync(1));

        Assert.Equal(10, (await limiter.AcquireAsync(TestPolicies.Fixed, id, 0)).Remaining);
    }

    [Fact]
    public async Task PartitionedAdapter_AttemptAcquireConsumesNothing_AcquireAsyncCarriesRetryAfter()
    {
        var limiter = _cluster.NewRateLimiter();
        var id = NewId();
        AlignToMinute();
        using var partitioned = limiter.CreatePartitioned<string>(resource => resource == "health" ? null : new ClusterRateLimitPartition(TestPolicies.Fixed, resource));

        using var attempted = partitioned.AttemptAcquire(id);
        Assert.False(attempted.IsAcquired);
        Assert.Equal(10, (await limiter.AcquireAsync(TestPolicies.Fixed, id, 0)).Remaining);
        using var unlimited = partitioned.AttemptAcquire("health");
        Assert.True(unlimited.IsAcquired);

        using var granted = await partitioned.AcquireAsync(id, 10);
        using var refused = await partitioned.AcquireAsync(id, 1);

        Assert.True(granted.IsAcquired);
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(60), retryAfter);
        Assert.True(refused.TryGetMetadata(ClusterRateLimitMetadata.Decision, out var decision));
        Assert.Equal(0, decision.Remaining);
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
