using CacheCluster.Serialization;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Leases;

/// <summary>
/// GetOrSet's per-call switches (cluster read, cluster write, factory, serializer), the client's DefaultEntryOptions,
/// and the validation of the new options.
/// </summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class GetOrSetSwitchesTests(MemoryClusterFixture fixture)
{
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task GetOrSet_WithoutEntryOptions_UsesTheClientsDefaultEntryOptions()
    {
        var cache = CacheTestCluster.NewCache(_cluster.Client, o => o.DefaultEntryOptions = new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(7), Tags = ["defaults"] });
        var key = CacheTestCluster.NewKey();
        var explicitKey = CacheTestCluster.NewKey();

        await cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("v"));
        await cache.GetOrSetAsync(explicitKey, _ => Task.FromResult<string?>("v"), new GetOrSetOptions { Entry = new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(3) } });

        Assert.Equal(TimeSpan.FromMinutes(7), (await cache.GetTimeToLiveAsync(key)).TimeToLive);
        Assert.Equal(["defaults"], (await cache.GetInfoAsync(key))!.Tags);
        Assert.Equal(TimeSpan.FromMinutes(3), (await cache.GetTimeToLiveAsync(explicitKey)).TimeToLive);
    }

    [Fact]
    public async Task GetOrSet_RunFactoryOff_OnlyReads()
    {
        var key = CacheTestCluster.NewKey();
        var present = CacheTestCluster.NewKey();
        await _cluster.Cache.SetAsync(present, "stored");
        var factory = new Factory<string>(run => $"v{run}");
        var readOnly = new GetOrSetOptions { RunFactory = false };

        Assert.Null(await _cluster.Cache.GetOrSetAsync(key, factory.RunAsync, readOnly));
        Assert.Equal("stored", await _cluster.Cache.GetOrSetAsync(present, factory.RunAsync, readOnly));

        Assert.Equal(0, factory.Runs);
        Assert.False(await _cluster.Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task GetOrSet_ClusterReadOff_RunsTheFactory_AndStoresItsValue()
    {
        var key = CacheTestCluster.NewKey();
        await _cluster.Cache.SetAsync(key, "old");
        var factory = new Factory<string>(run => $"v{run}");

        Assert.Equal("v1", await _cluster.Cache.GetOrSetAsync(key, factory.RunAsync, new GetOrSetOptions { ClusterRead = false }));

        Assert.Equal("v1", (await _cluster.Cache.TryGetAsync<string>(key)).Value);
    }

    [Fact]
    public async Task GetOrSet_ClusterWriteOff_StoresNothing()
    {
        var key = CacheTestCluster.NewKey();
        var factory = new Factory<string>(run => $"v{run}");

        Assert.Equal("v1", await _cluster.Cache.GetOrSetAsync(key, factory.RunAsync, new GetOrSetOptions { ClusterWrite = false }));
        Assert.Equal("v2", await _cluster.Cache.GetOrSetAsync(key, factory.RunAsync, new GetOrSetOptions { ClusterWrite = false }));

        Assert.False(await _cluster.Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task GetOrSet_PerCallSerializer_WritesAndReadsTheValue()
    {
        var key = CacheTestCluster.NewKey();
        var options = new GetOrSetOptions { Serializer = new ReversingSerializer() };

        await _cluster.Cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("abc"), options);

        Assert.Equal("cba", (await _cluster.Cache.TryGetAsync<string>(key)).Value);
        Assert.Equal("abc", await _cluster.Cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("unused"), options));
    }

    [Fact]
    public async Task GetOrSet_ValueThatCannotBeSerialized_ReleasesTheLease_SoTheNextCallerComputesAtOnce()
    {
        var key = CacheTestCluster.NewKey();
        var failing = new GetOrSetOptions { Serializer = new FailingSerializer(), LeaseTimeout = TimeSpan.FromHours(1) };

        await Assert.ThrowsAsync<CacheSerializationException>(() => _cluster.Cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("v"), failing));

        Assert.Equal("next", await _cluster.Cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("next")).WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(86_401)]
    public async Task GetOrSet_NearCacheExpirationOutOfRange_IsRejected(int seconds)
    {
        var options = new GetOrSetOptions { NearCacheExpiration = TimeSpan.FromSeconds(seconds) };

        Assert.Throws<InvalidCacheOptionsException>(options.Validate);
        await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => _cluster.Cache.GetOrSetAsync(CacheTestCluster.NewKey(), _ => Task.FromResult<string?>("v"), options));
    }

    private sealed class ReversingSerializer : ICacheSerializer
    {
        public CacheValue Serialize<T>(T value) => new(System.Text.Encoding.UTF8.GetBytes(new string(((string)(object)value!).Reverse().ToArray())), "text/plain");

        public T Deserialize<T>(CacheValue value) => (T)(object)new string(System.Text.Encoding.UTF8.GetString(value.Data).Reverse().ToArray());
    }

    private sealed class FailingSerializer : ICacheSerializer
    {
        public CacheValue Serialize<T>(T value) => throw new CacheSerializationException("cannot", null);

        public T Deserialize<T>(CacheValue value) => throw new CacheSerializationException("cannot", null);
    }
}
