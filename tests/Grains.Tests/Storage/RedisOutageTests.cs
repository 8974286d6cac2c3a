using System.Net;
using System.Text.Json;
using CacheCluster.Entries;
using CacheCluster.Hosting;
using CacheCluster.Storage;
using CacheCluster.Tests.Fixtures;
using CacheCluster.Tests.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace CacheCluster.Tests.Storage;

/// <summary>
/// Redis going away under a running cluster: writes fail fast with <see cref="CacheStorageException"/> (not after
/// StackExchange.Redis' 5 s timeout), reads of active entries are served from memory, rate limits follow each policy's
/// failure mode, and everything recovers by itself when Redis comes back. Each test runs its own redis-server, with no
/// other test beside it (<see cref="AloneCollection"/>). A failure counts as fast by what it says (it did not wait for
/// an answer) and by taking less than the timeout it would otherwise have waited for: however busy the machine, a
/// failure that waited cannot come sooner than that timeout.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class RedisOutageTests(ITestOutputHelper output)
{
    /// <summary>
    /// StackExchange.Redis' default command timeout: what a write that waited for an answer would take at least. A
    /// fast failure takes milliseconds, and no load on the machine makes a failure that waited come sooner.
    /// </summary>
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMilliseconds(new StackExchange.Redis.ConfigurationOptions().AsyncTimeout);

    /// <summary>What every failure that waited for Redis says ("did not answer within … ms", "did not answer in time").</summary>
    private const string WaitedForAnAnswer = "did not answer";

    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task RedisStopped_WritesFailFast_ActiveReadsServed_LimitsFollowFailureMode_AndAllRecoverOnRestart()
    {
        await using var redis = await RedisServer.StartAsync(appendOnly: true);

        // The connection string leaves the timeouts at StackExchange.Redis' defaults (5 s).
        await using var cluster = await CacheTestCluster.StartAsync(2, redis.ConnectionString);
        await using var http = await HttpTestServer.StartAsync(cluster);
        var cache = cluster.Cache;
        var limiter = cluster.NewRateLimiter();

        var active = CacheTestCluster.NewKey("active");
        var list = CacheTestCluster.NewKey("list");
        var counter = CacheTestCluster.NewKey("counter");
        var inactive = CacheTestCluster.NewKey("inactive");
        var before = await cache.SetAsync(active, "before", new CacheEntryOptions { Tags = ["outage"] });
        await cache.ListPushAsync(list, ListEnd.Tail, ["a", "b"]);
        Assert.Equal(5, await cache.IncrementAsync(counter, 5));
        var closedId = "closed-" + Guid.NewGuid().ToString("N");
        Assert.False((await limiter.AcquireAsync(TestPolicies.Fixed, closedId, 1)).Degraded);

        // An entry only Redis holds: no activation of it exists anywhere in the cluster.
        await using (var connection = new RedisConnection(redis.ConnectionString))
        {
            var store = new RedisEntryStore(connection, Options.Create(new CacheClusterOptions { ServiceId = cluster.ServiceId }));
            var record = new EntryRecord { Version = 7, Kind = CacheEntryKind.Value, Value = "stored"u8.ToArray(), LastModified = cluster.Clock.GetUtcNow() };
            Assert.True(await store.WriteAsync(inactive, record, expectedVersion: 0, timeToLive: null));
        }

        await redis.StopAsync();
        await WaitForSilosAsync(cluster, available: false);

        // Every kind of write fails fast with the typed error.
        await AssertFailsFastAsync(() => cache.SetAsync(active, "after"));
        await AssertFailsFastAsync(() => cache.SetAsync(CacheTestCluster.NewKey("new"), "v"));
        await AssertFailsFastAsync(() => cache.RemoveAsync(active));
        await AssertFailsFastAsync(() => cache.IncrementAsync(counter, 1));
        await AssertFailsFastAsync(() => cache.ListPushAsync(list, ListEnd.Tail, ["c"]));
        await AssertFailsFastAsync(() => cache.ListTrimAsync(list, 0, 0));
        await AssertFailsFastAsync(() => cache.RemoveByTagAsync("outage"));

        // GetOrSet does not fail because of the cache: its fill cannot be stored, and the caller gets the value anyway.
        Assert.Equal("computed", await cache.GetOrSetAsync(CacheTestCluster.NewKey("fill"), _ => Task.FromResult<string?>("computed")));

        // The client that removed the key reads it as gone (its remove is kept for when Redis is back); for the
        // others, reads of active entries are served from their activations, unchanged by the failed writes.
        Assert.False((await cache.TryGetAsync<string>(active)).Found);
        var remover = cache;
        cache = CacheTestCluster.NewCache(cluster.Client, o => o.Resilience.ReadFailureMode = CacheCluster.Resilience.CacheReadFailureMode.Throw);
        var read = await cache.TryGetAsync<string>(active);
        Assert.Equal("before", read.Value);
        Assert.Equal(before.Version, read.Version);
        Assert.Equal(["a", "b"], await cache.ListRangeAsync<string>(list));
        Assert.Equal("5", (await cache.TryGetAsync<string>(counter)).Value);
        Assert.Equal(["outage"], (await cache.GetInfoAsync(active))!.Tags);

        // A read that must load from Redis fails fast too.
        await AssertFailsFastAsync(() => cache.TryGetAsync<string>(inactive));

        // Rate limits: a fail-closed policy refuses, a fail-open one keeps deciding in memory; both say they are degraded.
        var closed = await limiter.AcquireAsync(TestPolicies.Fixed, closedId, 1);
        Assert.False(closed.Allowed);
        Assert.True(closed.Degraded);
        Assert.Equal(RateLimitFailureMode.Closed, closed.FailureMode);
        var freshClosed = await limiter.AcquireAsync(TestPolicies.Fixed, "fresh-" + Guid.NewGuid().ToString("N"), 1);
        Assert.False(freshClosed.Allowed);
        Assert.True(freshClosed.Degraded);
        var openId = "open-" + Guid.NewGuid().ToString("N");
        var open = await limiter.AcquireAsync(TestPolicies.Open, openId, 1);
        Assert.True(open.Allowed);
        Assert.True(open.Degraded);
        Assert.True((await limiter.AcquireAsync(TestPolicies.Open, openId, 1)).Allowed);
        Assert.False((await limiter.AcquireAsync(TestPolicies.Open, openId, 1)).Allowed);

        // The HTTP API says the same: 503 storage-unavailable for a write, 429 or 200 marked degraded for limits.
        var put = await http.Client.PutKeyAsync(active, "over-http");
        await HttpAssert.ProblemAsync(put, HttpStatusCode.ServiceUnavailable, "storage-unavailable");
        Assert.Equal("1", HttpAssert.Header(put, "Retry-After"));
        var refused = await http.Client.PostAsync($"v1/ratelimit/{TestPolicies.Fixed}/{closedId}", null);
        var problem = await HttpAssert.ProblemAsync(refused, HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.True(JsonDocument.Parse(problem).RootElement.GetProperty("degraded").GetBoolean());
        var admitted = await http.Client.PostAsync($"v1/ratelimit/{TestPolicies.Open}/open-http-{Guid.NewGuid():N}", null);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.True(JsonDocument.Parse(await admitted.Content.ReadAsStringAsync()).RootElement.GetProperty("degraded").GetBoolean());

        // Redis comes back on the same port with its append-only file: no manual step.
        await redis.RestartAsync();
        var restarted = TimeProvider.System.GetTimestamp();
        await WaitForSilosAsync(cluster, available: true);

        // The removes kept while Redis was down are applied now (the key, and the tag's entries).
        using (var applied = new CancellationTokenSource(RecoveryTimeout))
        {
            while (((CacheCluster.Internal.ClusterCache)remover).Resilience.Queue.Count > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System, applied.Token);
            }
        }

        Assert.False((await cache.TryGetAsync<string>(active)).Found);
        output.WriteLine($"slowest failure while down: {_slowestFailure.TotalMilliseconds:0.0} ms; silos reconnected {TimeProvider.System.GetElapsedTime(restarted).TotalMilliseconds:0} ms after redis-server was ready");

        Assert.Equal("stored", (await cache.TryGetAsync<string>(inactive)).Value);
        var after = await cache.SetAsync(active, "after", new CacheEntryOptions { Tags = ["outage"] });
        Assert.True(after.Version > before.Version);
        Assert.Equal("after", (await cache.TryGetAsync<string>(active)).Value);
        Assert.Equal(3, await cache.ListPushAsync(list, ListEnd.Tail, ["c"]));
        Assert.Equal(6, await cache.IncrementAsync(counter, 1));
        Assert.Equal(1, await cache.RemoveByTagAsync("outage"));
        Assert.Equal("computed", await cache.GetOrSetAsync(CacheTestCluster.NewKey("fill"), _ => Task.FromResult<string?>("computed")));
        var recovered = await limiter.AcquireAsync(TestPolicies.Fixed, closedId, 1);
        Assert.True(recovered.Allowed);
        Assert.False(recovered.Degraded);

        // The writes made before the outage are in Redis after the restart, as are the ones made since.
        var database = redis.Connection.GetDatabase();
        Assert.True(await database.KeyExistsAsync($"{cluster.ServiceId}/e/{list}"));
        Assert.True(await database.KeyExistsAsync($"{cluster.ServiceId}/e/{counter}"));
        Assert.False(await database.KeyExistsAsync($"{cluster.ServiceId}/e/{active}"));
    }

    [Fact]
    public async Task RedisHung_FirstWriteFailsAtConfiguredTimeout_LaterOnesFailFast_UntilRedisAnswersAgain()
    {
        await using var redis = await RedisServer.StartAsync();

        // A configured timeout is respected: 1 s instead of the default 5 s.
        await using var cluster = await CacheTestCluster.StartAsync(1, redis.ConnectionString + ",asyncTimeout=1000,syncTimeout=1000");

        // The silo's own answer is measured: the client waits Orleans' response timeout, not its soft ClusterTimeout.
        var cache = CacheTestCluster.NewCache(cluster.Client, o => o.ClusterTimeout = o.ResponseTimeout);
        var key = CacheTestCluster.NewKey("hung");
        var before = await cache.SetAsync(key, "before");

        redis.Pause();
        try
        {
            // The first write is in flight when nothing answers: it fails once the configured timeout passes
            // (StackExchange.Redis checks timeouts once a second), which it names, and sooner than the 5 s default
            // could have passed.
            var started = TimeProvider.System.GetTimestamp();
            var first = await Assert.ThrowsAsync<CacheStorageException>(() => cache.SetAsync(key, "during"));
            var firstTook = TimeProvider.System.GetElapsedTime(started);
            Assert.Contains("did not answer within 1000 ms", first.Message, StringComparison.Ordinal);
            Assert.True(firstTook < DefaultTimeout, $"The first write failed after {firstTook.TotalMilliseconds:0} ms, not before the {DefaultTimeout.TotalMilliseconds:0} ms default timeout.");
            Assert.Contains("may or may not have been applied", first.Message, StringComparison.Ordinal);
            output.WriteLine($"first write while hung failed after {firstTook.TotalMilliseconds:0} ms (asyncTimeout=1000)");

            // From then on, writes fail without waiting for the timeout again; reads of the active entry are served.
            await AssertFailsFastAsync(() => cache.SetAsync(key, "during"));
            await AssertFailsFastAsync(() => cache.IncrementAsync(CacheTestCluster.NewKey("n"), 1));
            Assert.Equal("before", (await cache.TryGetAsync<string>(key)).Value);
        }
        finally
        {
            redis.Resume();
        }

        await WaitForSilosAsync(cluster, available: true);
        output.WriteLine($"slowest failure after the first timeout: {_slowestFailure.TotalMilliseconds:0.0} ms");
        var after = await cache.SetAsync(key, "after");
        Assert.True(after.Version > before.Version);
        Assert.Equal("after", (await cache.TryGetAsync<string>(key)).Value);
    }

    private TimeSpan _slowestFailure;

    private async Task AssertFailsFastAsync(Func<Task> operation)
    {
        var started = TimeProvider.System.GetTimestamp();
        var error = await Record.ExceptionAsync(operation);
        var took = TimeProvider.System.GetElapsedTime(started);
        if (error is not CacheStorageException)
        {
            Assert.Fail($"Expected CacheStorageException, got {error?.GetType().Name ?? "no exception"}: {error?.Message}");
        }

        Assert.DoesNotContain(WaitedForAnAnswer, error.Message, StringComparison.Ordinal);
        Assert.True(took < DefaultTimeout, $"Failing took {took.TotalMilliseconds:0} ms, as long as a command that waits for its timeout: {error.Message}");
        _slowestFailure = took > _slowestFailure ? took : _slowestFailure;
    }

    /// <summary>Polls every silo's Redis connection (a signal, not a sleep) until it is (un)available.</summary>
    private static async Task WaitForSilosAsync(CacheTestCluster cluster, bool available)
    {
        var connections = cluster.Cluster.Silos.Select(silo => silo.ServiceProvider.GetRequiredService<RedisConnection>()).ToList();
        var started = TimeProvider.System.GetTimestamp();
        while (connections.Any(connection => connection.IsAvailable != available))
        {
            if (TimeProvider.System.GetElapsedTime(started) > RecoveryTimeout)
            {
                throw new TimeoutException($"The silos' Redis connections did not become {(available ? "available" : "unavailable")} within {RecoveryTimeout.TotalSeconds} s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        }
    }
}
