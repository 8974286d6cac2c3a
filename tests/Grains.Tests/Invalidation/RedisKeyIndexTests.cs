using CacheCluster.Entries;
using CacheCluster.Hosting;
using CacheCluster.Invalidation;
using CacheCluster.Storage;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Invalidation;

/// <summary>
/// The Redis key index read by prefix (<see cref="RedisKeyIndex.RangeAsync"/>), on a real Redis: the entry store's
/// writes and deletes keep the lex set beside the score set, and data written before the lex set existed is still found.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisKeyIndexTests(RedisFixture fixture)
{
    private const string Partition = "7";
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task PrefixRange_ReturnsExactlyTheLiveMatches_NeverANeighbourNorAnExpiredKey()
    {
        await using var connection = new RedisConnection(fixture.Redis.ConnectionString);
        var (store, index, serviceId) = New(connection);
        await ReadyAsync(index);
        string[] matching = ["user:42:a", "user:42:b", "user:42:ü", "user:42:" + char.ConvertFromUtf32(0x1F600)];
        string[] neighbours = ["user:420", "user:42", "user:4", "user:43:a", "user:41:z", "user:42;"];
        foreach (var key in matching.Concat(neighbours))
        {
            Assert.True(await WriteAsync(store, key, Now.AddHours(1)));
        }

        Assert.True(await WriteAsync(store, "user:42:short", Now.AddSeconds(5)));
        Assert.True(await WriteAsync(store, "user:42:forever", expiresAt: null));

        var live = await index.RangeAsync(Partition, "user:42:", null, 100, Now.AddSeconds(6));

        Assert.Equal([.. matching.Append("user:42:forever").Order(Comparer<string>.Create(Utf8Order))], live);
        Assert.Equal(["user:42", "user:420"], await index.RangeAsync(Partition, "user:42", null, 2, Now));
        Assert.Empty(await index.RangeAsync(Partition, "user:44", null, 10, Now));

        // A later write prunes the expired member from both sets; a delete takes its key out of both.
        Assert.True(await WriteAsync(store, "other", Now.AddHours(1), now: Now.AddSeconds(6)));
        Assert.True(await store.DeleteIndexedAsync("user:42:a", 1, [], Partition));
        var database = fixture.Redis.Connection.GetDatabase();
        Assert.Null(await database.SortedSetScoreAsync($"{serviceId}/kl/{Partition}", "user:42:short"));
        Assert.Null(await database.SortedSetScoreAsync($"{serviceId}/kl/{Partition}", "user:42:a"));
        Assert.Equal(["user:42:b"], await index.RangeAsync(Partition, "user:42:", null, 1, Now));
    }

    [Fact]
    public async Task PrefixRange_PagesAfterTheCursor_InByteOrder()
    {
        await using var connection = new RedisConnection(fixture.Redis.ConnectionString);
        var (store, index, _) = New(connection);
        await ReadyAsync(index);
        var keys = Enumerable.Range(0, 25).Select(i => $"page:{i:D2}").ToArray();
        foreach (var key in keys)
        {
            Assert.True(await WriteAsync(store, key, Now.AddHours(1)));
        }

        Assert.True(await WriteAsync(store, "pagf", Now.AddHours(1)));
        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = await index.RangeAsync(Partition, "page:", after, 10, Now);
            seen.AddRange(page);
            pages++;
            after = page.Count == 10 ? page[^1] : null;
        }
        while (after is not null);

        Assert.Equal(3, pages);
        Assert.Equal(keys, seen);

        // A cursor before the prefix starts at the prefix; one past it ends the range.
        Assert.Equal("page:00", (await index.RangeAsync(Partition, "page:", "a", 1, Now))[0]);
        Assert.Empty(await index.RangeAsync(Partition, "page:", "pagf", 10, Now));
    }

    [Fact]
    public async Task OldFormatData_IsFoundByTheFullRead_ThenBackfilledIntoTheLexSet()
    {
        await using var connection = new RedisConnection(fixture.Redis.ConnectionString);
        var (store, index, serviceId) = New(connection);
        var database = fixture.Redis.Connection.GetDatabase();

        // As the previous version wrote it: the score set only.
        var scoreSet = $"{serviceId}/k/{Partition}";
        for (var i = 0; i < 2500; i++)
        {
            await database.SortedSetAddAsync(scoreSet, $"old:{i:D4}", Now.AddHours(1).ToUnixTimeMilliseconds());
        }

        await database.SortedSetAddAsync(scoreSet, "old:expired", Now.AddSeconds(-1).ToUnixTimeMilliseconds());
        await database.SortedSetAddAsync(scoreSet, "older", Now.AddHours(1).ToUnixTimeMilliseconds());

        // A new write before the backfill: it joins both sets, and the old keys must still be found.
        Assert.True(await WriteAsync(store, "old:new", Now.AddHours(1)));
        var fallback = await index.RangeAsync(Partition, "old:", "old:2497", 10, Now);
        Assert.Equal(["old:2498", "old:2499", "old:new"], fallback);

        Assert.True(await index.BackfillOf(Partition)!);
        Assert.True(await database.KeyExistsAsync($"{serviceId}/kl-ready/{Partition}"));
        // Every member of the score set then, which the new write had already pruned of its expired one.
        Assert.Equal(2502, await database.SortedSetLengthAsync($"{serviceId}/kl/{Partition}"));

        var fromLex = await index.RangeAsync(Partition, "old:", null, 5000, Now);
        Assert.Equal(2501, fromLex.Count);
        Assert.DoesNotContain("old:expired", fromLex);
        Assert.DoesNotContain("older", fromLex);
        Assert.Equal("old:0000", fromLex[0]);
    }

    private static int Utf8Order(string x, string y) =>
        System.Text.Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(System.Text.Encoding.UTF8.GetBytes(y));

    private static (RedisEntryStore Store, RedisKeyIndex Index, string ServiceId) New(RedisConnection connection)
    {
        var serviceId = "kidx-" + Guid.NewGuid().ToString("N")[..8];
        var options = Options.Create(new CacheClusterOptions { ServiceId = serviceId });
        return (new RedisEntryStore(connection, options), new RedisKeyIndex(connection, options, NullLogger<RedisKeyIndex>.Instance), serviceId);
    }

    /// <summary>A fresh deployment: its first read finds no marker, and the backfill of the empty partition sets it.</summary>
    private static async Task ReadyAsync(RedisKeyIndex index)
    {
        Assert.Empty(await index.RangeAsync(Partition, "", null, 1, Now));
        Assert.True(await index.BackfillOf(Partition)!);
    }

    private static Task<bool> WriteAsync(RedisEntryStore store, string key, DateTimeOffset? expiresAt, DateTimeOffset? now = null)
    {
        var record = new EntryRecord { Version = 1, Kind = CacheEntryKind.Value, Value = [1], LastModified = Now, ExpiresAt = expiresAt };
        return store.WriteIndexedAsync(key, record, 0, expiresAt - (now ?? Now), [], Partition, [], now ?? Now);
    }
}
