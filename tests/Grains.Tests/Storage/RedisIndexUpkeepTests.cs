using CacheCluster.Entries;
using CacheCluster.Hosting;
using CacheCluster.Invalidation;
using CacheCluster.Storage;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CacheCluster.Tests.Storage;

/// <summary>
/// The index sets' upkeep in the entry store's writes (<see cref="RedisEntryCommits"/>): pruning and TTL changes run
/// only when needed, and what readers see and how long the sets live stay as if they ran on every write.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisIndexUpkeepTests(RedisFixture fixture)
{
    private const string Partition = "5";
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 3, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task SetTtl_FollowsTheLatestMember_AcrossWritesThatSkipTheUpkeep()
    {
        await using var connection = new RedisConnection(fixture.Redis.ConnectionString);
        var (store, _, serviceId) = New(connection);
        var database = fixture.Redis.Connection.GetDatabase();
        RedisKey[] sets = [$"{serviceId}/t/blue", $"{serviceId}/k/{Partition}", $"{serviceId}/kl/{Partition}"];

        Assert.True(await WriteAsync(store, "a", Now.AddMinutes(10), ["blue"]));
        await AssertTtlAsync(database, sets, TimeSpan.FromMinutes(10));

        // An earlier expiry leaves the TTL alone; a later one moves it.
        Assert.True(await WriteAsync(store, "b", Now.AddMinutes(5), ["blue"]));
        await AssertTtlAsync(database, sets, TimeSpan.FromMinutes(10));
        Assert.True(await WriteAsync(store, "c", Now.AddMinutes(20), ["blue"]));
        await AssertTtlAsync(database, sets, TimeSpan.FromMinutes(20));

        // A member that never expires keeps the sets; once it is gone, the next write gives them their latest member's TTL.
        Assert.True(await WriteAsync(store, "forever", null, ["blue"]));
        await AssertTtlAsync(database, sets, null);
        Assert.True(await WriteAsync(store, "d", Now.AddMinutes(1), ["blue"]));
        await AssertTtlAsync(database, sets, null);
        Assert.True(await store.DeleteIndexedAsync("forever", 1, ["blue"], Partition));
        Assert.True(await WriteAsync(store, "e", Now.AddMinutes(2), ["blue"]));
        await AssertTtlAsync(database, sets, TimeSpan.FromMinutes(20));

        // The latest member leaving keeps the TTL; the next write that prunes sets it from the latest member left.
        Assert.True(await store.DeleteIndexedAsync("c", 1, ["blue"], Partition));
        await AssertTtlAsync(database, sets, TimeSpan.FromMinutes(20));
        Assert.True(await WriteAsync(store, "f", Now.AddMinutes(4), ["blue"], now: Now.AddSeconds(90)));
        Assert.Null(await database.SortedSetScoreAsync(sets[0], "d"));
        await AssertTtlAsync(database, sets, TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(90));

        // And one without expiry joining sets that expire takes their TTL away.
        Assert.True(await WriteAsync(store, "forever2", null, ["blue"]));
        await AssertTtlAsync(database, sets, null);
    }

    [Fact]
    public async Task ExpiredMember_IsPrunedFromBothSetsByTheNextWrite_AndNeverReturnedByAPattern()
    {
        await using var connection = new RedisConnection(fixture.Redis.ConnectionString);
        var (store, index, serviceId) = New(connection);
        var database = fixture.Redis.Connection.GetDatabase();
        Assert.Empty(await index.RangeAsync(Partition, "", null, 1, Now));
        Assert.True(await index.BackfillOf(Partition)!);

        Assert.True(await WriteAsync(store, "p:short", Now.AddSeconds(5), []));
        Assert.True(await WriteAsync(store, "p:long", Now.AddHours(1), []));

        // Before any write prunes it, a read already leaves it out.
        Assert.Equal(["p:long"], await index.RangeAsync(Partition, "p:", null, 10, Now.AddSeconds(6)));

        // A write while nothing has expired keeps it; the first write after its expiry prunes it from both sets.
        Assert.True(await WriteAsync(store, "p:other", Now.AddHours(1), [], now: Now.AddSeconds(4)));
        Assert.NotNull(await database.SortedSetScoreAsync($"{serviceId}/kl/{Partition}", "p:short"));
        Assert.True(await WriteAsync(store, "q:new", Now.AddMinutes(30), [], now: Now.AddSeconds(6)));
        Assert.Null(await database.SortedSetScoreAsync($"{serviceId}/k/{Partition}", "p:short"));
        Assert.Null(await database.SortedSetScoreAsync($"{serviceId}/kl/{Partition}", "p:short"));
        Assert.Equal(3, await database.SortedSetLengthAsync($"{serviceId}/kl/{Partition}"));
        Assert.Equal(["p:long", "p:other"], await index.RangeAsync(Partition, "p:", null, 10, Now.AddSeconds(6)));
    }

    [Fact]
    public async Task LexSetCreatedBesideAnExpiringScoreSet_TakesTheScoreSetsTtl()
    {
        await using var connection = new RedisConnection(fixture.Redis.ConnectionString);
        var (store, _, serviceId) = New(connection);
        var database = fixture.Redis.Connection.GetDatabase();

        // As a version without the lex set left it: the score set alone, expiring in an hour.
        var scoreSet = $"{serviceId}/k/{Partition}";
        await database.SortedSetAddAsync(scoreSet, "old", Now.AddHours(1).ToUnixTimeMilliseconds());
        await database.KeyExpireAsync(scoreSet, TimeSpan.FromHours(1));

        // A member that expires sooner: the score set's TTL stays, and the new lex set takes it.
        Assert.True(await WriteAsync(store, "new", Now.AddMinutes(5), []));
        await AssertTtlAsync(database, [scoreSet, $"{serviceId}/kl/{Partition}"], TimeSpan.FromHours(1));
    }

    private static async Task AssertTtlAsync(IDatabase database, RedisKey[] sets, TimeSpan? expected)
    {
        foreach (var set in sets)
        {
            var ttl = await database.KeyTimeToLiveAsync(set);
            if (expected is null)
            {
                Assert.True(await database.KeyExistsAsync(set), $"{set} is gone");
                Assert.Null(ttl);
            }
            else
            {
                Assert.NotNull(ttl);
                Assert.InRange(ttl.Value, expected.Value - Slack, expected.Value);
            }
        }
    }

    private static (RedisEntryStore Store, RedisKeyIndex Index, string ServiceId) New(RedisConnection connection)
    {
        var serviceId = "upkeep-" + Guid.NewGuid().ToString("N")[..8];
        var options = Options.Create(new CacheClusterOptions { ServiceId = serviceId });
        return (new RedisEntryStore(connection, options), new RedisKeyIndex(connection, options, NullLogger<RedisKeyIndex>.Instance), serviceId);
    }

    private static Task<bool> WriteAsync(RedisEntryStore store, string key, DateTimeOffset? expiresAt, string[] tags, DateTimeOffset? now = null)
    {
        var record = new EntryRecord { Version = 1, Kind = CacheEntryKind.Value, Value = [1], LastModified = Now, ExpiresAt = expiresAt, Tags = tags };
        return store.WriteIndexedAsync(key, record, 0, expiresAt - (now ?? Now), tags, Partition, [], now ?? Now);
    }
}
