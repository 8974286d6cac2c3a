using System.Buffers;
using CacheCluster.Caching.Distributed;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Caching.Distributed;
using CacheCluster.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Caching;

[Collection(DistributedCacheCollection.Name)]
public sealed class DistributedCacheTests(DistributedCacheClusterFixture fixture) : IAsyncLifetime
{
    private static readonly DistributedCacheEntryOptions NoExpiry = new();
    private DistributedTestHost _host = null!;

    private IDistributedCache Cache => _host.Cache;

    public async Task InitializeAsync() => _host = await fixture.StartHostAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task DistributedCache_SetAsyncThenGetAsync_ReturnsTheBytesStoredInTheCluster()
    {
        var key = CacheTestCluster.NewKey("dc");
        byte[] value = [1, 2, 3, 255];

        await Cache.SetAsync(key, value, NoExpiry);

        Assert.Equal(value, await Cache.GetAsync(key));
        var stored = await fixture.Cache.TryGetBytesAsync(key);
        Assert.Equal(value, stored.Value!.Data);
        Assert.Null(stored.ExpiresAt);
    }

    [Fact]
    public void DistributedCache_SyncSetThenGet_ReturnsTheBytes()
    {
        var key = CacheTestCluster.NewKey("dc");

        Cache.Set(key, [7, 8], NoExpiry);

        Assert.Equal((byte[])[7, 8], Cache.Get(key));
    }

    [Fact]
    public async Task DistributedCache_GetMissingKey_ReturnsNullSyncAndAsync()
    {
        var key = CacheTestCluster.NewKey("dc");

        Assert.Null(await Cache.GetAsync(key));
        Assert.Null(Cache.Get(key));
    }

    [Fact]
    public async Task DistributedCache_RemoveAsync_RemovesTheKey()
    {
        var key = CacheTestCluster.NewKey("dc");
        await Cache.SetAsync(key, [1], NoExpiry);

        await Cache.RemoveAsync(key);

        Assert.Null(await Cache.GetAsync(key));
        Assert.False(await fixture.Cache.ExistsAsync(key));
    }

    [Fact]
    public void DistributedCache_SyncRemove_RemovesTheKey()
    {
        var key = CacheTestCluster.NewKey("dc");
        Cache.Set(key, [1], NoExpiry);

        Cache.Remove(key);

        Assert.Null(Cache.Get(key));
    }

    [Fact]
    public async Task DistributedCache_RefreshMissingKey_DoesNothingSyncAndAsync()
    {
        var key = CacheTestCluster.NewKey("dc");

        await Cache.RefreshAsync(key);
        Cache.Refresh(key);

        Assert.False(await fixture.Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task DistributedCache_EmptyValue_RoundTripsAsEmptyNotMissing()
    {
        var key = CacheTestCluster.NewKey("dc");

        await Cache.SetAsync(key, [], NoExpiry);

        Assert.Equal((byte[])[], await Cache.GetAsync(key));
    }

    [Fact]
    public async Task BufferDistributedCache_SetAsyncMultiSegmentSequence_StoresTheConcatenatedBytes()
    {
        var key = CacheTestCluster.NewKey("dc");
        var sequence = Segments([1, 2], [3], [4, 5, 6]);

        await _host.BufferCache.SetAsync(key, sequence, NoExpiry);

        Assert.Equal((byte[])[1, 2, 3, 4, 5, 6], await Cache.GetAsync(key));
    }

    [Fact]
    public void BufferDistributedCache_SyncSetSequenceThenTryGet_WritesTheBytesToTheWriter()
    {
        var key = CacheTestCluster.NewKey("dc");
        _host.BufferCache.Set(key, Segments([9], [8, 7]), NoExpiry);
        var writer = new ArrayBufferWriter<byte>();

        Assert.True(_host.BufferCache.TryGet(key, writer));

        Assert.Equal((byte[])[9, 8, 7], writer.WrittenSpan.ToArray());
    }

    [Fact]
    public async Task BufferDistributedCache_TryGetAsync_AppendsToWhatTheWriterHolds()
    {
        var key = CacheTestCluster.NewKey("dc");
        await Cache.SetAsync(key, [4, 5], NoExpiry);
        var writer = new ArrayBufferWriter<byte>();
        writer.Write((byte[])[1]);

        Assert.True(await _host.BufferCache.TryGetAsync(key, writer));

        Assert.Equal((byte[])[1, 4, 5], writer.WrittenSpan.ToArray());
    }

    [Fact]
    public async Task BufferDistributedCache_TryGetMissingKey_ReturnsFalseAndWritesNothing()
    {
        var key = CacheTestCluster.NewKey("dc");
        var writer = new ArrayBufferWriter<byte>();

        Assert.False(await _host.BufferCache.TryGetAsync(key, writer));
        Assert.False(_host.BufferCache.TryGet(key, writer));

        Assert.Equal(0, writer.WrittenCount);
    }

    [Fact]
    public async Task DistributedCache_CachedAbsenceFromGetOrSet_ReadsAsMissing()
    {
        var key = CacheTestCluster.NewKey("dc");
        await fixture.Cache.SetBytesAsync(key, new CacheValue([], CacheValue.AbsentContentType));

        Assert.Null(await Cache.GetAsync(key));
        Assert.False(await _host.BufferCache.TryGetAsync(key, new ArrayBufferWriter<byte>()));
    }

    [Fact]
    public async Task DistributedCache_NullArguments_ThrowArgumentNullException()
    {
        await Assert.ThrowsAsync<ArgumentNullException>("key", () => Cache.GetAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>("value", () => Cache.SetAsync("k", null!, NoExpiry));
        await Assert.ThrowsAsync<ArgumentNullException>("options", () => Cache.SetAsync("k", [1], null!));
        await Assert.ThrowsAsync<ArgumentNullException>("destination", () => _host.BufferCache.TryGetAsync("k", null!).AsTask());
        Assert.Throws<ArgumentNullException>("key", () => Cache.Remove(null!));
        Assert.Throws<ArgumentNullException>("key", () => Cache.Refresh(null!));
    }

    [Fact]
    public async Task DistributedCache_InvalidKey_ThrowsTheClustersTypedErrorSyncAndAsync()
    {
        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => Cache.SetAsync(string.Empty, [1], NoExpiry));
        Assert.Throws<InvalidCacheKeyException>(() => Cache.Get(string.Empty));
    }

    [Fact]
    public async Task DistributedCache_ValueOverTheClustersLimit_ThrowsCacheValueTooLargeAndStoresNothing()
    {
        var key = CacheTestCluster.NewKey("dc");

        await Assert.ThrowsAsync<CacheValueTooLargeException>(
            () => Cache.SetAsync(key, new byte[CacheTestCluster.MaxValueBytes + 1], NoExpiry));

        Assert.False(await fixture.Cache.ExistsAsync(key));
    }

    [Fact]
    public void DistributedCache_SyncCallsUnderASynchronizationContextThatNeverRuns_DoNotDeadlock()
    {
        var key = CacheTestCluster.NewKey("dc");
        var previous = SynchronizationContext.Current;
        var context = new NeverRunsContext();
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            Cache.Set(key, [1, 2], NoExpiry);
            Assert.Equal((byte[])[1, 2], Cache.Get(key));
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        Assert.Equal(0, context.Posts);
    }

    [Fact]
    public void AddCacheClusterDistributedCache_AfterAndBeforeMemoryCacheRegistrations_IsTheOneDistributedCache()
    {
        var services = new ServiceCollection();
        services.AddDistributedMemoryCache();
        fixture.AddDistributedCache(services);
        services.AddSession();
        services.AddDistributedMemoryCache();
        using var provider = services.BuildServiceProvider();

        var registered = Assert.Single(services, d => d.ServiceType == typeof(IDistributedCache));
        Assert.Same(provider.GetRequiredService<CacheClusterDistributedCache>(), provider.GetRequiredService<IDistributedCache>());
        Assert.Null(registered.ImplementationType);
    }

    [Fact]
    public void AddCacheClusterDistributedCache_WithConfiguration_BindsTheCacheClusterSectionThenAppliesConfigure()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CacheCluster:ServiceId"] = "shop",
            ["CacheCluster:ClusterId"] = "from-config",
        }).Build();
        var services = new ServiceCollection();

        services.AddCacheClusterDistributedCache(configuration, options => options.ClusterId = "from-code");
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<CacheClusterClientOptions>>().Value;
        Assert.Equal("shop", options.ServiceId);
        Assert.Equal("from-code", options.ClusterId);
        Assert.IsType<CacheClusterDistributedCache>(provider.GetRequiredService<IDistributedCache>());
    }

    private static ReadOnlySequence<byte> Segments(params byte[][] parts)
    {
        var first = new Segment(parts[0], 0);
        var last = first;
        foreach (var part in parts.Skip(1))
        {
            last = last.Append(part);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    /// <summary>A UI-thread-like context whose thread is blocked: anything posted to it would never run.</summary>
    private sealed class NeverRunsContext : SynchronizationContext
    {
        private int _posts;

        public int Posts => _posts;

        public override void Post(SendOrPostCallback d, object? state) => Interlocked.Increment(ref _posts);
    }
}
