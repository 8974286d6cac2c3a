using CacheCluster.Entries;
using CacheCluster.Hosting;
using CacheCluster.Storage;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace CacheCluster.Tests.Storage;

/// <summary>Entries in a real Redis: survival of silo loss and full restarts, TTLs, and the version fence.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisPersistenceTests(RedisFixture fixture)
{
    private readonly RedisServer _redis = fixture.Redis;

    [Fact]
    public async Task Entry_SurvivesKilledSilo_AndWholeClusterRestart()
    {
        var serviceId = "restart-" + Guid.NewGuid().ToString("N")[..8];
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var written = new Dictionary<string, long>();
        await using (var cluster = await CacheTestCluster.StartAsync(3, _redis.ConnectionString, serviceId, clock))
        {
            // Placement decides where each key lives: write until some silo other than the first holds several.
            var perSilo = new Dictionary<Orleans.Runtime.SiloAddress, int>();
            var primary = cluster.Cluster.Silos[0].SiloAddress;
            Orleans.TestingHost.InProcessSiloHandle? victim = null;
            for (var i = 0; i < 300 && victim is null; i++)
            {
                var key = $"durable:{i}:{Guid.NewGuid():N}";
                written[key] = (await cluster.Cache.SetAsync(key, $"value-{i}", new CacheEntryOptions { Tags = ["durable"] })).Version;
                Assert.True(cluster.Cluster.TryGetGrainContext(cluster.Grain(key).GetGrainId(), out var context));
                var host = context!.Address.SiloAddress!;
                perSilo[host] = perSilo.GetValueOrDefault(host) + 1;
                if (!host.Equals(primary) && perSilo[host] >= 3)
                {
                    victim = cluster.Cluster.Silos.First(s => s.SiloAddress.Equals(host));
                }
            }

            Assert.NotNull(victim);

            await cluster.Cluster.KillSiloAsync(victim);

            foreach (var (key, version) in written)
            {
                var read = await cluster.Cache.TryGetAsync<string>(key);
                Assert.True(read.Found, $"{key} lost after the silo was killed");
                Assert.Equal(version, read.Version);
            }
        }

        await using (var restarted = await CacheTestCluster.StartAsync(2, _redis.ConnectionString, serviceId, clock))
        {
            foreach (var (key, version) in written)
            {
                var read = await restarted.Cache.TryGetAsync<string>(key);
                Assert.True(read.Found, $"{key} lost after the cluster restarted");
                Assert.Equal(version, read.Version);
                Assert.StartsWith("value-", read.Value, StringComparison.Ordinal);
                Assert.Equal(["durable"], (await restarted.Cache.GetInfoAsync(key))!.Tags);
            }
        }
    }

    [Fact]
    public async Task StoredRecord_RedisTtlEqualsHardExpiry_AndIsNamespacedByServiceId()
    {
        await using var cluster = await CacheTestCluster.StartAsync(2, _redis.ConnectionString);
        var key = CacheTestCluster.NewKey();
        var persistent = CacheTestCluster.NewKey();

        await cluster.Cache.SetAsync(key, "v", new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(60), FreshFor = TimeSpan.FromSeconds(5) });
        await cluster.Cache.SetAsync(persistent, "v");

        var database = _redis.Connection.GetDatabase();
        var ttl = await database.KeyTimeToLiveAsync($"{cluster.ServiceId}/e/{key}");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(58), TimeSpan.FromSeconds(60));
        Assert.Null(await database.KeyTimeToLiveAsync($"{cluster.ServiceId}/e/{persistent}"));
        Assert.True(await database.KeyExistsAsync($"{cluster.ServiceId}/e/{persistent}"));
    }

    [Fact]
    public async Task StoredRecord_IsCompact()
    {
        await using var cluster = await CacheTestCluster.StartAsync(1, _redis.ConnectionString);
        var key = CacheTestCluster.NewKey();

        await cluster.Cache.SetBytesAsync(key, new CacheValue(new byte[100]));

        var stored = (byte[])(await _redis.Connection.GetDatabase().StringGetAsync($"{cluster.ServiceId}/e/{key}"))!;
        Assert.InRange(stored.Length, 100, 100 + 24);
    }

    [Fact]
    public async Task Delete_RemovesRecordFromRedis()
    {
        await using var cluster = await CacheTestCluster.StartAsync(1, _redis.ConnectionString);
        var key = CacheTestCluster.NewKey();
        await cluster.Cache.SetAsync(key, "v");

        await cluster.Cache.RemoveAsync(key);

        Assert.False(await _redis.Connection.GetDatabase().KeyExistsAsync($"{cluster.ServiceId}/e/{key}"));
    }

    [Fact]
    public async Task CompareAndSet_TwoConcurrentWritersOnTwoClients_ExactlyOneWins()
    {
        await using var cluster = await CacheTestCluster.StartAsync(2, _redis.ConnectionString);
        var other = CacheTestCluster.NewCache(cluster.Client);
        for (var round = 0; round < 20; round++)
        {
            var key = CacheTestCluster.NewKey("cas");
            var start = await cluster.Cache.SetAsync(key, "start");

            var writers = new[] { cluster.Cache, other }.Select(async (cache, i) =>
            {
                try
                {
                    await cache.SetAsync(key, $"writer-{i}", condition: CacheWriteCondition.IfVersion(start.Version));
                    return i;
                }
                catch (CacheVersionConflictException)
                {
                    return -1;
                }
            });
            var winners = (await Task.WhenAll(writers)).Where(i => i >= 0).ToArray();

            Assert.Single(winners);
            Assert.Equal($"writer-{winners[0]}", (await cluster.Cache.TryGetAsync<string>(key)).Value);
        }
    }

    [Fact]
    public async Task VersionFence_TwoActivationsRacingOnOneVersion_ExactlyOneWrites()
    {
        // Two stores stand for two activations of one key, as can exist briefly while membership changes.
        var options = Options.Create(new CacheClusterOptions { ServiceId = "fence-" + Guid.NewGuid().ToString("N")[..8], Redis = _redis.ConnectionString });
        await using var connectionA = new RedisConnection(_redis.ConnectionString);
        await using var connectionB = new RedisConnection(_redis.ConnectionString);
        var stores = new[] { new RedisEntryStore(connectionA, options), new RedisEntryStore(connectionB, options) };
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        for (var round = 0; round < 50; round++)
        {
            var key = $"fence:{round}";
            Assert.True(await stores[0].WriteAsync(key, Record(1, now), expectedVersion: 0, timeToLive: null));

            var results = await Task.WhenAll(stores.Select((store, i) => store.WriteAsync(key, Record(2, now, (byte)i), expectedVersion: 1, timeToLive: null)));

            Assert.Equal(1, results.Count(ok => ok));
            var winner = Array.IndexOf(results, true);
            var stored = await stores[1 - winner].ReadAsync(key);
            Assert.Equal(2, stored!.Version);
            Assert.Equal((byte)winner, stored.Value![0]);

            // The loser's older view can never overwrite the newer write, nor delete it.
            Assert.False(await stores[1 - winner].WriteAsync(key, Record(2, now, 9), expectedVersion: 1, timeToLive: null));
            Assert.False(await stores[1 - winner].DeleteAsync(key, expectedVersion: 1));
            Assert.True(await stores[1 - winner].DeleteAsync(key, expectedVersion: 2));
        }
    }

    [Fact]
    public async Task IndexedWrite_StoresTheRecordAndItsRegistrationsInOneStep_OrNothingWhenFenced()
    {
        var serviceId = "indexed-" + Guid.NewGuid().ToString("N")[..8];
        await using var connection = new RedisConnection(_redis.ConnectionString);
        var store = new RedisEntryStore(connection, Options.Create(new CacheClusterOptions { ServiceId = serviceId }));
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var record = new EntryRecord { Version = 1, Kind = CacheEntryKind.Value, Value = [1], LastModified = now, ExpiresAt = now.AddMinutes(5), Tags = ["a", "b"] };
        var database = _redis.Connection.GetDatabase();

        Assert.True(await store.WriteIndexedAsync("k1", record, expectedVersion: 0, TimeSpan.FromMinutes(5), ["a", "b"], "7", [], now));

        Assert.True(await database.KeyExistsAsync($"{serviceId}/e/k1"));
        foreach (var set in new[] { $"{serviceId}/t/a", $"{serviceId}/t/b", $"{serviceId}/k/7" })
        {
            Assert.Equal(now.AddMinutes(5).ToUnixTimeMilliseconds(), await database.SortedSetScoreAsync(set, "k1"));
            Assert.InRange((await database.KeyTimeToLiveAsync(set))!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        }

        // A stale writer's fence fails: neither the record nor any registration is written.
        var stale = new EntryRecord { Version = 5, Kind = CacheEntryKind.Value, Value = [2], LastModified = now, Tags = ["c"] };
        Assert.False(await store.WriteIndexedAsync("k1", stale, expectedVersion: 3, null, ["c"], "8", ["a"], now));
        Assert.False(await database.KeyExistsAsync($"{serviceId}/t/c"));
        Assert.False(await database.KeyExistsAsync($"{serviceId}/k/8"));
        Assert.NotNull(await database.SortedSetScoreAsync($"{serviceId}/t/a", "k1"));

        // A rewrite that drops tag a leaves it in the same step; a delete leaves every index it was in.
        var rewritten = new EntryRecord { Version = 2, Kind = CacheEntryKind.Value, Value = [3], LastModified = now, ExpiresAt = now.AddMinutes(5), Tags = ["b"] };
        Assert.True(await store.WriteIndexedAsync("k1", rewritten, expectedVersion: 1, TimeSpan.FromMinutes(5), [], null, ["a"], now));
        Assert.Null(await database.SortedSetScoreAsync($"{serviceId}/t/a", "k1"));
        Assert.False(await store.DeleteIndexedAsync("k1", expectedVersion: 1, ["b"], "7"));
        Assert.True(await store.DeleteIndexedAsync("k1", expectedVersion: 2, ["b"], "7"));
        Assert.False(await database.KeyExistsAsync($"{serviceId}/e/k1"));
        Assert.Null(await database.SortedSetScoreAsync($"{serviceId}/t/b", "k1"));
        Assert.Null(await database.SortedSetScoreAsync($"{serviceId}/k/7", "k1"));
    }

    [Fact]
    public async Task WarmRestart_ActivationLoadsFromRedis()
    {
        var serviceId = "warm-" + Guid.NewGuid().ToString("N")[..8];
        var key = CacheTestCluster.NewKey();
        await using (var first = await CacheTestCluster.StartAsync(1, _redis.ConnectionString, serviceId))
        {
            await first.Cache.ListPushAsync(key, ListEnd.Tail, ["s1", "s2"], new CacheEntryOptions { TimeToLive = TimeSpan.FromHours(1) });
        }

        await using var second = await CacheTestCluster.StartAsync(1, _redis.ConnectionString, serviceId);

        Assert.Equal(["s1", "s2"], await second.Cache.ListRangeAsync<string>(key));
        Assert.Equal(3, await second.Cache.ListPushAsync(key, ListEnd.Tail, ["s3"]));
    }

    [Fact]
    public async Task RedisDown_WriteFailsWithStorageError_AndNothingIsAcknowledged()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var cluster = await CacheTestCluster.StartAsync(1, redis.ConnectionString + ",connectTimeout=500,syncTimeout=1000,asyncTimeout=1000");
        var key = CacheTestCluster.NewKey();
        await cluster.Cache.SetAsync(key, "before");

        await redis.DisposeAsync();

        await Assert.ThrowsAsync<CacheStorageException>(() => cluster.Cache.SetAsync(key, "after"));
        var read = await cluster.Cache.TryGetAsync<string>(key);
        Assert.Equal("before", read.Value);
    }

    private static EntryRecord Record(long version, DateTimeOffset now, byte marker = 0) => new()
    {
        Version = version,
        Kind = CacheEntryKind.Value,
        Value = [marker],
        LastModified = now,
    };
}
