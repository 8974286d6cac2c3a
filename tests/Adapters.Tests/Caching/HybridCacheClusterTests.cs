using CacheCluster.Caching.Hybrid;
using CacheCluster.Tests.Fixtures;
using CacheCluster.Hosting;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Caching;

/// <summary>
/// CacheCluster's HybridCache on two application nodes over one cluster: one factory run for the whole cluster, and
/// removals (by key, by tag, and <c>*</c>) that reach the other node's near cache at once, with no clock advance.
/// </summary>
[Collection(HybridCacheCollection.Name)]
public sealed class HybridCacheClusterTests(HybridCacheClusterFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task GetOrCreate_ManyCallersOnTwoNodes_RunTheFactoryOnceForTheCluster()
    {
        using var a = HybridCacheNode.Start(_cluster);
        using var b = HybridCacheNode.Start(_cluster);
        using var metrics = HybridCacheMetrics.RecordSilos(_cluster);
        var key = CacheTestCluster.NewKey("hybrid");
        var factory = new CountingFactory(run => $"v{run}") { Gated = true };

        var holder = a.Cache.GetOrCreateAsync(key, factory.RunAsync).AsTask();
        await factory.Started.WaitAsync(WaitLimit);
        var waiters = Enumerable.Range(0, 100)
            .Select(i => (i % 2 == 0 ? a : b).Cache.GetOrCreateAsync(key, factory.RunAsync).AsTask())
            .ToArray();

        // Before the value exists, node A's 50 joined its holder's lookup in the process, and node B's 50 share one
        // lookup, parked in the key's grain.
        await metrics.WaitForAsync("cachecluster.lease.waits", 1);
        Assert.All(waiters, w => Assert.False(w.IsCompleted));
        factory.Open();
        var results = await Task.WhenAll(waiters.Append(holder)).WaitAsync(WaitLimit);

        Assert.All(results, r => Assert.Equal("v1", r));
        Assert.Equal(1, factory.Runs);

        // Both nodes now answer from their near caches: no further factory run, no further cluster read.
        var hits = metrics["cachecluster.entry.hits"];
        Assert.Equal("v1", await a.Cache.GetOrCreateAsync(key, factory.RunAsync));
        Assert.Equal("v1", await b.Cache.GetOrCreateAsync(key, factory.RunAsync));
        Assert.Equal(hits, metrics["cachecluster.entry.hits"]);
        Assert.Equal(1, factory.Runs);
    }

    [Fact]
    public async Task RemoveByTag_OnNodeA_NodeBsNextReadMissesAtOnce()
    {
        using var a = HybridCacheNode.Start(_cluster);
        using var b = HybridCacheNode.Start(_cluster);
        var key = CacheTestCluster.NewKey("product");
        var tag = CacheTestCluster.NewKey("tag");
        var factory = new CountingFactory(run => $"v{run}");

        Assert.Equal("v1", await b.Cache.GetOrCreateAsync(key, factory.RunAsync, tags: [tag]));
        Assert.True(b.HoldsNear(key));
        var told = b.NextInvalidation(key);

        await a.Cache.RemoveByTagAsync(tag);
        await told;

        Assert.False(b.HoldsNear(key));
        Assert.Equal("v2", await b.Cache.GetOrCreateAsync(key, factory.RunAsync, tags: [tag]));
        Assert.Equal(2, factory.Runs);
    }

    [Fact]
    public async Task RemoveBySeveralTags_OnNodeA_RemovesEachTagsEntries_FromTheClusterAndNodeBsNearCache()
    {
        using var a = HybridCacheNode.Start(_cluster);
        using var b = HybridCacheNode.Start(_cluster);
        var keys = Enumerable.Range(0, 3).Select(_ => CacheTestCluster.NewKey("hybrid")).ToArray();
        var tags = Enumerable.Range(0, 3).Select(_ => CacheTestCluster.NewKey("tag")).ToArray();
        var factory = new CountingFactory(run => $"f{run}");
        for (var i = 0; i < 3; i++)
        {
            await a.Cache.SetAsync(keys[i], $"v{i}", tags: [tags[i]]);
            Assert.Equal($"v{i}", await b.Cache.GetOrCreateAsync(keys[i], factory.RunAsync));
            Assert.True(b.HoldsNear(keys[i]));
        }

        var told = Task.WhenAll(b.NextInvalidation(keys[0]), b.NextInvalidation(keys[1]));
        await a.Cache.RemoveByTagAsync([tags[0], tags[1], tags[0]]);
        await told;

        Assert.False(b.HoldsNear(keys[0]));
        Assert.False(b.HoldsNear(keys[1]));
        Assert.True(b.HoldsNear(keys[2]));
        Assert.False(await _cluster.Cache.ExistsAsync(keys[0]));
        Assert.False(await _cluster.Cache.ExistsAsync(keys[1]));
        Assert.Equal("v2", (await _cluster.Cache.TryGetAsync<string>(keys[2])).Value);
        Assert.Equal(0, factory.Runs);
    }

    [Fact]
    public async Task RemoveByWildcardTag_RemovesEveryHybridCacheEntryOnEveryNode_AndNothingElse()
    {
        using var a = HybridCacheNode.Start(_cluster);
        using var b = HybridCacheNode.Start(_cluster);
        var first = CacheTestCluster.NewKey("hybrid");
        var second = CacheTestCluster.NewKey("hybrid");
        var other = CacheTestCluster.NewKey("session");
        await _cluster.Cache.SetAsync(other, "not HybridCache's");
        await b.Cache.SetAsync(first, "one");
        await b.Cache.SetAsync(second, "two", tags: ["t"]);
        Assert.True(b.HoldsNear(first));
        var told = Task.WhenAll(b.NextInvalidation(first), b.NextInvalidation(second));

        await a.Cache.RemoveByTagAsync(CacheClusterHybridCache.WildcardTag);
        await told;

        Assert.False(await _cluster.Cache.ExistsAsync(first));
        Assert.False(await _cluster.Cache.ExistsAsync(second));
        Assert.Equal("not HybridCache's", (await _cluster.Cache.TryGetAsync<string>(other)).Value);
        Assert.Equal("fresh", await b.Cache.GetOrCreateAsync(first, _ => ValueTask.FromResult("fresh")));
    }

    [Fact]
    public async Task SetAndRemove_OnNodeA_ReachNodeBsNearCache()
    {
        using var a = HybridCacheNode.Start(_cluster);
        using var b = HybridCacheNode.Start(_cluster);
        var key = CacheTestCluster.NewKey("hybrid");
        var other = CacheTestCluster.NewKey("hybrid");
        await a.Cache.SetAsync(key, "v1");
        await a.Cache.SetAsync(other, "o1");
        var factory = new CountingFactory(run => $"f{run}");
        Assert.Equal("v1", await b.Cache.GetOrCreateAsync(key, factory.RunAsync));
        Assert.Equal("o1", await b.Cache.GetOrCreateAsync(other, factory.RunAsync));

        var changed = b.NextInvalidation(key);
        await a.Cache.SetAsync(key, "v2");
        await changed;
        Assert.Equal("v2", await b.Cache.GetOrCreateAsync(key, factory.RunAsync));

        var removed = Task.WhenAll(b.NextInvalidation(key), b.NextInvalidation(other));
        await a.Cache.RemoveAsync([key, other]);
        await removed;
        Assert.Equal("f1", await b.Cache.GetOrCreateAsync(key, factory.RunAsync));
        Assert.Equal("f2", await b.Cache.GetOrCreateAsync(other, factory.RunAsync));
    }

    [Fact]
    public async Task Expiration_IsTheHardExpiry_AndLocalCacheExpirationBoundsTheNearCopy()
    {
        using var node = HybridCacheNode.Start(_cluster);
        using var metrics = HybridCacheMetrics.RecordSilos(_cluster);
        var key = CacheTestCluster.NewKey("hybrid");
        var factory = new CountingFactory(run => $"v{run}");
        var options = new HybridCacheEntryOptions { Expiration = TimeSpan.FromMinutes(10), LocalCacheExpiration = TimeSpan.FromSeconds(30) };

        Assert.Equal("v1", await node.Cache.GetOrCreateAsync(key, factory.RunAsync, options));
        Assert.Equal(TimeSpan.FromMinutes(10), (await _cluster.Cache.GetTimeToLiveAsync(key)).TimeToLive);
        var hits = metrics["cachecluster.entry.hits"];

        _cluster.Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal("v1", await node.Cache.GetOrCreateAsync(key, factory.RunAsync, options));
        Assert.Equal(hits, metrics["cachecluster.entry.hits"]);

        // Past LocalCacheExpiration the near copy is gone: the cluster answers (one read), the factory does not run.
        _cluster.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(node.HoldsNear(key));
        Assert.Equal("v1", await node.Cache.GetOrCreateAsync(key, factory.RunAsync, options));
        Assert.Equal(hits + 1, metrics["cachecluster.entry.hits"]);

        // Past Expiration the entry is gone everywhere: the factory runs again.
        _cluster.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal("v2", await node.Cache.GetOrCreateAsync(key, factory.RunAsync, options));
        Assert.Equal(2, factory.Runs);
    }

    [Fact]
    public async Task GetOrCreate_PastTheClientsFreshFor_ServesStaleWhileOneRefreshRuns_AndAFailingRefreshKeepsServingIt()
    {
        static void Fresh10S(CacheClusterClientOptions o) => o.DefaultEntryOptions = new CacheEntryOptions { FreshFor = TimeSpan.FromSeconds(10) };
        using var a = HybridCacheNode.Start(_cluster, client: Fresh10S);
        using var b = HybridCacheNode.Start(_cluster, client: Fresh10S);
        var key = CacheTestCluster.NewKey("hybrid");
        var options = new HybridCacheEntryOptions { Expiration = TimeSpan.FromMinutes(10) };
        Assert.Equal("v1", await a.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult("v1"), options));
        _cluster.Clock.Advance(TimeSpan.FromSeconds(11));

        // Stale-while-revalidate: both nodes get the stale value at once while the one refresh is held at its gate.
        var refresh = new CountingFactory(run => $"v{run + 1}") { Gated = true };
        Assert.Equal("v1", await a.Cache.GetOrCreateAsync(key, refresh.RunAsync, options).AsTask().WaitAsync(WaitLimit));
        await refresh.Started.WaitAsync(WaitLimit);
        Assert.Equal("v1", await b.Cache.GetOrCreateAsync(key, refresh.RunAsync, options).AsTask().WaitAsync(WaitLimit));
        Assert.Equal(1, refresh.Runs);
        refresh.Open();
        var refreshed = await _cluster.Cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("unused"), new GetOrSetOptions { AllowStale = false }).WaitAsync(WaitLimit);
        Assert.Equal("v2", refreshed);

        // Fail-safe: once v2 is stale too, a failing refresh leaves it in place and callers on both nodes keep getting it.
        _cluster.Clock.Advance(TimeSpan.FromSeconds(11));
        var failures = 0;
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ValueTask<string> Failing(CancellationToken ct)
        {
            Interlocked.Increment(ref failures);
            failed.TrySetResult();
            throw new InvalidOperationException("database down");
        }

        Assert.Equal("v2", await a.Cache.GetOrCreateAsync(key, Failing, options).AsTask().WaitAsync(WaitLimit));
        await failed.Task.WaitAsync(WaitLimit);
        Assert.Equal("v2", await b.Cache.GetOrCreateAsync(key, Failing, options).AsTask().WaitAsync(WaitLimit));
        Assert.Equal("v2", await a.Cache.GetOrCreateAsync(key, Failing, options).AsTask().WaitAsync(WaitLimit));
        Assert.Equal(1, Volatile.Read(ref failures));
        Assert.Equal("v2", (await _cluster.Cache.TryGetAsync<string>(key)).Value);
    }

    [Fact]
    public async Task Expiration_DefaultsToHybridCacheOptions_ThenToFiveMinutes()
    {
        using var plain = HybridCacheNode.Start(_cluster);
        using var configured = HybridCacheNode.Start(_cluster, hybrid: o => o.DefaultEntryOptions = new HybridCacheEntryOptions { Expiration = TimeSpan.FromMinutes(42) });
        var first = CacheTestCluster.NewKey("hybrid");
        var second = CacheTestCluster.NewKey("hybrid");

        await plain.Cache.SetAsync(first, "a");
        await configured.Cache.SetAsync(second, "b");

        Assert.Equal(TimeSpan.FromMinutes(5), (await _cluster.Cache.GetTimeToLiveAsync(first)).TimeToLive);
        Assert.Equal(TimeSpan.FromMinutes(42), (await _cluster.Cache.GetTimeToLiveAsync(second)).TimeToLive);
    }

    [Fact]
    public async Task AddCacheClusterHybridCache_ReplacesMicrosoftsRegistration()
    {
        var services = new ServiceCollection();
        services.AddHybridCache();
        services.AddCacheClusterHybridCache();
        services.AddSingleton(_cluster.Client);
        await using var provider = services.BuildServiceProvider();

        Assert.IsType<CacheClusterHybridCache>(provider.GetRequiredService<HybridCache>());
        Assert.Single(services, d => d.ServiceType == typeof(HybridCache));
    }

    [Fact]
    public async Task AddCacheClusterHybridCache_WithConfiguration_BindsTheCacheClusterSection_ThenAppliesConfigure()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["CacheCluster:ClusterId"] = "shop", ["CacheCluster:NearCache:MaxEntries"] = "123" })
            .Build();
        var services = new ServiceCollection();
        services.AddCacheClusterHybridCache(configuration, o => o.ServiceId = "shop-service");
        services.AddSingleton(_cluster.Client);
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<CacheClusterClientOptions>>().Value;
        Assert.Equal("shop", options.ClusterId);
        Assert.Equal("shop-service", options.ServiceId);
        Assert.Equal(123, options.NearCache.MaxEntries);
        Assert.IsType<CacheClusterHybridCache>(provider.GetRequiredService<HybridCache>());
    }

    [Fact]
    public async Task GetOrCreate_NullResult_IsCachedLikeAnyValue()
    {
        using var a = HybridCacheNode.Start(_cluster);
        using var b = HybridCacheNode.Start(_cluster);
        var key = CacheTestCluster.NewKey("hybrid");
        var runs = 0;
        ValueTask<string?> Factory(CancellationToken ct)
        {
            Interlocked.Increment(ref runs);
            return ValueTask.FromResult<string?>(null);
        }

        Assert.Null(await a.Cache.GetOrCreateAsync(key, Factory));
        Assert.Null(await a.Cache.GetOrCreateAsync(key, Factory));
        Assert.Null(await b.Cache.GetOrCreateAsync(key, Factory));

        Assert.Equal(1, runs);
        Assert.Equal(TimeSpan.FromMinutes(5), (await _cluster.Cache.GetTimeToLiveAsync(key)).TimeToLive);
    }
}
