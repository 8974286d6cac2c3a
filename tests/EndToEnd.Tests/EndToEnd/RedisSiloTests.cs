using System.Text;
using CacheCluster.Tests.Fixtures;
using CacheCluster.Tests.Http;
using Xunit.Abstractions;

namespace CacheCluster.Tests.EndToEnd;

/// <summary>
/// The client, the CLI and the HTTP API against one silo process in Redis mode (<see cref="RedisSiloFixture"/>):
/// what otherwise runs only in memory or in process. This part: the client's subscriptions, list edits, removal by
/// pattern and near-cache reads.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class RedisSiloTests(RedisSiloFixture fixture, ITestOutputHelper output) : IClassFixture<RedisSiloFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly string NewLine = Environment.NewLine;

    private IClusterCache Cache => fixture.Cache;

    [Fact]
    public async Task Client_SubscribeThenPublishAndRemoveByPattern_RemovesFromRedis_AndTheSubscriberHearsBoth()
    {
        var recorder = new NoticeRecorder();
        await using var subscription = await Cache.SubscribeAsync(recorder);
        var prefix = NewKey();
        var user = Guid.NewGuid().ToString("N");
        string[] matching = [$"{prefix}:a", $"{prefix}:b"];
        foreach (var key in matching.Append($"{prefix}-other").Append($"user:{user}:profile"))
        {
            await Cache.SetAsync(key, "v");
            Assert.True(await StoredInRedisAsync(key), key);
        }

        // A domain event: its seed rule removes user:{id}, user:{id}:*, users:list and users:list:*, and every subscriber is told.
        var domainEvent = DomainEvent.Create("user.updated", new { user_id = user });
        var published = recorder.WaitFor(notice => notice.EventId == domainEvent.Id);
        var receipt = await Cache.PublishAsync(domainEvent);
        var notice = await published.WaitAsync(Timeout);

        Assert.Equal((true, false), (receipt.Matched, receipt.Duplicate));
        Assert.Equal((receipt.Partition, receipt.Sequence, "user.updated"), (notice.Partition, notice.Sequence, notice.EventType));
        Assert.Equal([$"user:{user}", "users:list"], notice.Keys);
        Assert.Equal([$"user:{user}:*", "users:list:*"], notice.Patterns);
        Assert.Equal(1, notice.Invalidated);
        Assert.False(await StoredInRedisAsync($"user:{user}:profile"));

        // A removal by pattern: exactly the matching keys leave Redis, and the subscriber hears the pattern.
        var pattern = $"{prefix}:*";
        var announced = recorder.WaitFor(notice => notice.Patterns.Contains(pattern));
        Assert.Equal(2, await Cache.RemoveByPatternAsync(pattern));
        var patternNotice = await announced.WaitAsync(Timeout);

        Assert.Equal(IInvalidationStreamGrain.DirectInvalidationType, patternNotice.EventType);
        Assert.Equal([pattern], patternNotice.Patterns);
        foreach (var key in matching)
        {
            Assert.False(await Cache.ExistsAsync(key), key);
            Assert.False(await StoredInRedisAsync(key), key);
        }

        Assert.True(await Cache.ExistsAsync($"{prefix}-other"));
        Assert.True(await StoredInRedisAsync($"{prefix}-other"));
        Assert.Empty(recorder.Flushes);
    }

    [Fact]
    public async Task CliRpush_ThenClientListRemoveAndTrim_EditTheStoredList()
    {
        var key = NewKey();

        var push = await fixture.CliAsync("rpush", key, "a", "b", "a", "c", "a");
        Assert.Equal((0, "5" + NewLine, string.Empty), (push.ExitCode, push.Stdout, push.Stderr));
        Assert.Equal(["a", "b", "a", "c", "a"], await Cache.ListRangeAsync<string>(key));

        // count < 0 removes from the tail, 0 removes every match.
        Assert.Equal(1, await Cache.ListRemoveAsync(key, "a", count: -1));
        Assert.Equal(["a", "b", "a", "c"], await Cache.ListRangeAsync<string>(key));
        Assert.Equal(2, await Cache.ListRemoveAsync(key, "a"));
        Assert.Equal(0, await Cache.ListRemoveAsync(key, "missing"));
        Assert.Equal(["b", "c"], await Cache.ListRangeAsync<string>(key));

        Assert.Equal(1, await Cache.ListTrimAsync(key, -1, -1));
        Assert.Equal(["c"], await Cache.ListRangeAsync<string>(key));

        // Another process sees the same list.
        var range = await fixture.CliAsync("lrange", key, "0", "-1");
        Assert.Equal((0, "c\n"), (range.ExitCode, range.Stdout));
        Assert.True(await StoredInRedisAsync(key));
    }

    [Fact]
    public async Task TryGetBytes_WithReadOptions_NearReadIsServedLocally_UntilAnotherClientsWriteReachesIt()
    {
        var key = NewKey();
        using var metrics = new MetricRecorder([fixture.ClientMeters]);
        var near = new CacheReadOptions { UseNearCache = true };
        var direct = new CacheReadOptions { UseNearCache = false };
        var written = await Cache.SetAsync(key, "v1");

        var first = await Cache.TryGetBytesAsync(key, near);
        var second = await Cache.TryGetBytesAsync(key, near);

        Assert.Equal(("v1", written.Version, CacheEntryState.Fresh), (Text(first), first.Version, first.State));
        Assert.Equal(("v1", written.Version), (Text(second), second.Version));
        Assert.Equal((1, 1), (metrics["cachecluster.client.near.misses"], metrics["cachecluster.client.near.hits"]));

        // Another client (the HTTP API) writes: a direct read sees it at once, the near copy once told.
        var put = await fixture.Http.PutKeyAsync(key, "v2");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, put.StatusCode);
        var fresh = await Cache.TryGetBytesAsync(key, direct);
        Assert.Equal(("v2", written.Version + 1), (Text(fresh), fresh.Version));
        Assert.Equal(1, metrics["cachecluster.client.near.misses"]);

        var read = await PollAsync(() => Cache.TryGetBytesAsync(key, near), answer => Text(answer) == "v2", Timeout);
        Assert.Equal(written.Version + 1, read.Version);
        Assert.False((await Cache.TryGetBytesAsync(NewKey(), near)).Found);
    }

    private static string NewKey() => $"e2e-redis:{Guid.NewGuid():N}";

    private static string? Text(CacheReadResult read) => read.Value is { } value ? Encoding.UTF8.GetString(value.Data) : null;

    /// <summary>Whether the silo's Redis holds the entry record of <paramref name="key"/> (<c>{serviceId}/e/{key}</c>).</summary>
    private Task<bool> StoredInRedisAsync(string key) =>
        fixture.Redis.Connection.GetDatabase().KeyExistsAsync($"{fixture.Identity.ServiceId}/e/{key}");
}
