using CacheCluster.Entries;
using CacheCluster.Hosting;
using CacheCluster.Storage;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CacheCluster.Tests.Storage;

/// <summary>
/// Group commit of the entry grains' fenced writes and deletes (<see cref="RedisEntryCommits"/>): commands that arrive
/// while one is in flight go to Redis as one script call, and each keeps its own fence and its own answer.
/// </summary>
public sealed class RedisEntryCommitsTests
{
    private const string ServiceId = "commits";
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task CommandsWaitingBehindOneInFlight_GoAsOneScriptCall_EachWithItsOwnFenceAndAnswer()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var connection = new RedisConnection(redis.ConnectionString);
        var store = new RedisEntryStore(connection, Options.Create(new CacheClusterOptions { ServiceId = ServiceId }));
        var database = redis.Connection.GetDatabase();

        // Someone else's string where a tag set should be: the command that joins it is refused, and only that one.
        await database.StringSetAsync($"{ServiceId}/t/broken", "not a set");
        Assert.True(await store.WriteIndexedAsync("warm", Record(1, "warm"), 0, null, [], null, [], Now));
        var callsBefore = await ScriptCallsAsync(redis);

        Task<bool> first, fresh, sameKeyFirst, sameKeyStale, wrongFence, refused, delete;
        Task<bool>[] many;
        redis.Pause();
        try
        {
            // In flight until Redis runs again: everything after it waits and then goes in one call.
            first = store.WriteIndexedAsync("first", Record(1, "first"), 0, null, [], null, [], Now);
            fresh = store.WriteIndexedAsync("fresh", Record(1, "fresh"), 0, TimeSpan.FromMinutes(5), ["blue"], "3", [], Now);
            sameKeyFirst = store.WriteIndexedAsync("twice", Record(1, "one"), 0, null, [], null, [], Now);
            sameKeyStale = store.WriteIndexedAsync("twice", Record(2, "two"), 0, null, [], null, [], Now);
            wrongFence = store.WriteIndexedAsync("warm", Record(9, "late"), 5, null, [], null, [], Now);
            refused = store.WriteIndexedAsync("refused", Record(1, "refused"), 0, null, ["broken"], null, [], Now);
            delete = store.DeleteIndexedAsync("warm", 1, [], "0");
            many = [.. Enumerable.Range(0, 40).Select(i => store.WriteIndexedAsync($"many:{i}", Record(1, $"v{i}"), 0, null, ["red"], "1", [], Now))];
        }
        finally
        {
            redis.Resume();
        }

        Assert.True(await first);
        Assert.True(await fresh);
        Assert.True(await sameKeyFirst);
        Assert.False(await sameKeyStale);
        Assert.False(await wrongFence);
        var error = await Assert.ThrowsAsync<CacheStorageException>(() => refused);
        Assert.Contains("WRONGTYPE", error.Message, StringComparison.Ordinal);
        Assert.True(await delete);
        Assert.All(await Task.WhenAll(many), Assert.True);

        Assert.Equal(2, await ScriptCallsAsync(redis) - callsBefore);
        Assert.Equal("one", Value(await store.ReadAsync("twice")));
        Assert.Equal("fresh", Value(await store.ReadAsync("fresh")));
        Assert.Null(await store.ReadAsync("warm"));
        Assert.Null(await store.ReadAsync("refused"));
        Assert.Equal("v39", Value(await store.ReadAsync("many:39")));
        Assert.Equal(40, await database.SortedSetLengthAsync($"{ServiceId}/t/red"));
        Assert.NotNull(await database.SortedSetScoreAsync($"{ServiceId}/t/blue", "fresh"));
        Assert.NotNull(await database.SortedSetScoreAsync($"{ServiceId}/k/3", "fresh"));
        Assert.InRange((await database.KeyTimeToLiveAsync($"{store.RedisKeyFor("fresh")}"))!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
        Assert.Equal("not a set", (string?)await database.StringGetAsync($"{ServiceId}/t/broken"));
    }

    [Fact]
    public async Task RedisDown_FailsEveryWaitingCommandWithTheTypedError()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var connection = new RedisConnection(redis.ConnectionString);
        var store = new RedisEntryStore(connection, Options.Create(new CacheClusterOptions { ServiceId = ServiceId }));
        Assert.True(await store.WriteIndexedAsync("k", Record(1, "v"), 0, null, [], null, [], Now));

        await redis.StopAsync();
        var writes = Enumerable.Range(0, 10).Select(i => store.WriteIndexedAsync($"k{i}", Record(1, "v"), 0, null, [], null, [], Now)).ToArray();
        foreach (var write in writes)
        {
            await Assert.ThrowsAsync<CacheStorageException>(() => write);
        }
    }

    private static EntryRecord Record(long version, string value) => new()
    {
        Version = version,
        Kind = CacheEntryKind.Value,
        Value = System.Text.Encoding.UTF8.GetBytes(value),
        LastModified = Now,
    };

    private static string? Value(EntryRecord? record) => record?.Value is { } bytes ? System.Text.Encoding.UTF8.GetString(bytes) : null;

    /// <summary>EVAL and EVALSHA calls so far, from <c>INFO commandstats</c>.</summary>
    private static async Task<long> ScriptCallsAsync(RedisServer redis)
    {
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
        var info = (string)(await admin.GetDatabase().ExecuteAsync("INFO", "commandstats"))!;
        return info.Split('\n')
            .Where(line => line.StartsWith("cmdstat_eval:", StringComparison.Ordinal) || line.StartsWith("cmdstat_evalsha:", StringComparison.Ordinal))
            .Sum(line => long.Parse(line.Split("calls=")[1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture));
    }
}
