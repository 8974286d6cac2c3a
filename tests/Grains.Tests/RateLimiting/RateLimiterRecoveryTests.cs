using CacheCluster.Tests.Fixtures;
using Orleans.Hosting;

namespace CacheCluster.Tests.RateLimiting;

[Collection(RedisCollection.Name)]
public sealed class RateLimiterRecoveryTests(RedisFixture fixture)
{
    [Fact]
    public async Task LimiterState_RecoversFromCheckpoint_AfterItsSiloIsKilled()
    {
        await using var cluster = await CacheTestCluster.StartAsync(3, fixture.Redis.ConnectionString, configure: silo => silo.AddCacheClusterRateLimiting(o => o.RateLimitCheckpointInterval = TimeSpan.Zero));
        var limiter = cluster.NewRateLimiter();
        // Find an identifier whose limiter lives on a silo other than the first, and kill that silo.
        var primary = cluster.Cluster.Silos[0].SiloAddress;
        string? id = null;
        Orleans.TestingHost.InProcessSiloHandle? victim = null;
        for (var i = 0; i < 300 && id is null; i++)
        {
            var candidate = $"client-{i}-{Guid.NewGuid():N}";
            await limiter.AcquireAsync(TestPolicies.Fixed, candidate, 0);
            Assert.True(cluster.Cluster.TryGetGrainContext(cluster.Client.GetGrain<IRateLimiterGrain>($"{TestPolicies.Fixed}/{candidate}").GetGrainId(), out var context));
            if (context!.Address.SiloAddress is { } host && !host.Equals(primary))
            {
                id = candidate;
                victim = cluster.Cluster.Silos.First(s => s.SiloAddress.Equals(host));
            }
        }

        Assert.NotNull(id);
        Assert.NotNull(victim);
        for (var i = 0; i < 6; i++)
        {
            Assert.True((await limiter.AcquireAsync(TestPolicies.Fixed, id, 1)).Allowed);
        }

        await cluster.Cluster.KillSiloAsync(victim);

        var after = await limiter.AcquireAsync(TestPolicies.Fixed, id, 1);
        Assert.True(after.Allowed);
        Assert.Equal(3, after.Remaining);
        Assert.False((await limiter.AcquireAsync(TestPolicies.Fixed, id, 4)).Allowed);
    }

    [Fact]
    public async Task Checkpoint_ExpiresInRedisWhenItCanNoLongerChangeADecision()
    {
        await using var cluster = await CacheTestCluster.StartAsync(1, fixture.Redis.ConnectionString, configure: silo => silo.AddCacheClusterRateLimiting(o => o.RateLimitCheckpointInterval = TimeSpan.Zero));
        var limiter = cluster.NewRateLimiter();
        var id = Guid.NewGuid().ToString("N");
        var intoMinute = TimeSpan.FromTicks(cluster.Clock.GetUtcNow().UtcTicks % TimeSpan.TicksPerMinute);

        await limiter.AcquireAsync(TestPolicies.Fixed, id, 1);

        var ttl = await fixture.Redis.Connection.GetDatabase().KeyTimeToLiveAsync($"{cluster.ServiceId}/rl/{TestPolicies.Fixed}/{id}");
        Assert.NotNull(ttl);
        var windowLeft = TimeSpan.FromMinutes(1) - intoMinute;
        Assert.InRange(ttl.Value, windowLeft - TimeSpan.FromSeconds(2), windowLeft);
    }
}

[Collection(RedisCollection.Name)]
public sealed class RedisRateLimitStoreTests(RedisFixture fixture)
{
    [Fact]
    public async Task SubMillisecondTimeToLive_IsStoredForOneMillisecond_NotRejected()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new CacheCluster.Hosting.CacheClusterOptions { ServiceId = "rl-" + Guid.NewGuid().ToString("N")[..8] });
        await using var connection = new CacheCluster.Storage.RedisConnection(fixture.Redis.ConnectionString);
        var store = new CacheCluster.Storage.RedisRateLimitStore(connection, options);

        // The one-millisecond key is gone before any read could see its TTL: the server's command log shows what was
        // stored (every command logged while the threshold is 0).
        await using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(fixture.Redis.ConnectionString + ",allowAdmin=true");
        var server = admin.GetServer(admin.GetEndPoints().Single());
        var threshold = (await server.ConfigGetAsync("slowlog-log-slower-than")).Single().Value;
        await server.ConfigSetAsync("slowlog-log-slower-than", 0);
        try
        {
            await server.SlowlogResetAsync();
            await store.WriteAsync("bucket/a", [1, 2, 3], TimeSpan.FromTicks(3));
            var commands = await server.SlowlogGetAsync(128);
            var set = Assert.Single(commands, c => c.Arguments.Length > 1 && (string?)c.Arguments[1] == $"{options.Value.ServiceId}/rl/bucket/a");
            Assert.Equal(["PSETEX", $"{options.Value.ServiceId}/rl/bucket/a", "1", "\u0001\u0002\u0003"], set.Arguments.Select(a => (string?)a));
        }
        finally
        {
            await server.ConfigSetAsync("slowlog-log-slower-than", threshold);
        }

        await store.WriteAsync("bucket/b", [4], TimeSpan.FromSeconds(30));

        var ttl = await fixture.Redis.Connection.GetDatabase().KeyTimeToLiveAsync($"{options.Value.ServiceId}/rl/bucket/b");
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(30));
        Assert.Equal(new byte[] { 4 }, await store.ReadAsync("bucket/b"));
    }
}
