using System.Buffers;
using System.Text;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Tests.Caching;

/// <summary>Serializers from Microsoft's registrations; strings and byte arrays raw; HybridCache's limits as the cluster's errors.</summary>
[Collection(HybridCacheCollection.Name)]
public sealed class HybridCacheSerializerTests(HybridCacheClusterFixture fixture)
{
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task AddSerializer_OnTheReturnedBuilder_WritesAndReadsTheApplicationsFormat()
    {
        using var node = HybridCacheNode.Start(_cluster, builder => builder.AddSerializer<Widget, WidgetSerializer>());
        var key = CacheTestCluster.NewKey("serializer");

        await node.Cache.SetAsync(key, new Widget("gear", 7));

        Assert.Equal("widget|gear|7", Encoding.UTF8.GetString((await _cluster.Cache.TryGetBytesAsync(key)).Value!.Data));
        using var other = HybridCacheNode.Start(_cluster, builder => builder.AddSerializer<Widget, WidgetSerializer>());
        Assert.Equal(new Widget("gear", 7), await other.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult(new Widget("unused", 0))));
    }

    [Fact]
    public async Task SerializerFactories_AreAskedLastRegisteredFirst_AfterTypedSerializers()
    {
        using var node = HybridCacheNode.Start(_cluster, builder => builder.AddSerializerFactory(new WidgetFactory("first")).AddSerializerFactory(new WidgetFactory("second")));
        var key = CacheTestCluster.NewKey("serializer");

        await node.Cache.SetAsync(key, new Widget("gear", 1));

        Assert.Equal("second|gear|1", Encoding.UTF8.GetString((await _cluster.Cache.TryGetBytesAsync(key)).Value!.Data));
    }

    [Fact]
    public async Task StringsAndByteArraysStayRaw_OtherTypesAreJson()
    {
        using var node = HybridCacheNode.Start(_cluster);
        var text = CacheTestCluster.NewKey("serializer");
        var bytes = CacheTestCluster.NewKey("serializer");
        var json = CacheTestCluster.NewKey("serializer");

        await node.Cache.SetAsync(text, "héllo");
        await node.Cache.SetAsync(bytes, new byte[] { 0, 1, 255 });
        await node.Cache.SetAsync(json, new Widget("gear", 3));

        Assert.Equal(Encoding.UTF8.GetBytes("héllo"), (await _cluster.Cache.TryGetBytesAsync(text)).Value!.Data);
        Assert.Equal(new byte[] { 0, 1, 255 }, (await _cluster.Cache.TryGetBytesAsync(bytes)).Value!.Data);
        Assert.Equal("""{"name":"gear","size":3}""", Encoding.UTF8.GetString((await _cluster.Cache.TryGetBytesAsync(json)).Value!.Data));
        Assert.Equal(new Widget("gear", 3), await node.Cache.GetOrCreateAsync(json, _ => ValueTask.FromResult(new Widget("unused", 0))));
    }

    [Fact]
    public async Task MaximumPayloadBytes_FailsWithCacheValueTooLarge_AndStoresNothing()
    {
        using var node = HybridCacheNode.Start(_cluster, hybrid: o => o.MaximumPayloadBytes = 100);
        var key = CacheTestCluster.NewKey("limits");

        var error = await Assert.ThrowsAsync<CacheValueTooLargeException>(() => node.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult(new string('x', 101))).AsTask());
        await Assert.ThrowsAsync<CacheValueTooLargeException>(() => node.Cache.SetAsync(key, new string('x', 101)).AsTask());

        Assert.Equal(101, error.Size);
        Assert.Equal(100, error.Limit);
        Assert.False(await _cluster.Cache.ExistsAsync(key));

        // The failed fill released its lease: the next caller computes at once instead of waiting for it to time out.
        Assert.Equal("small", await node.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult("small")).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task MaximumKeyLength_FailsWithInvalidCacheKey_BeforeTheFactoryRuns()
    {
        using var node = HybridCacheNode.Start(_cluster, hybrid: o => o.MaximumKeyLength = 16);
        var factory = new CountingFactory(run => $"v{run}");

        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => node.Cache.GetOrCreateAsync(new string('k', 17), factory.RunAsync).AsTask());
        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => node.Cache.SetAsync(new string('k', 17), "v").AsTask());

        Assert.Equal(0, factory.Runs);
        Assert.Equal("v1", await node.Cache.GetOrCreateAsync(Guid.NewGuid().ToString("N")[..16], factory.RunAsync));
    }

    [Fact]
    public async Task ClusterKeyLimitUnderMaximumKeyLength_FailsWithTheSameInvalidCacheKey_BeforeTheFactoryRuns()
    {
        // 20 characters is well under MaximumKeyLength (1024), but 40 UTF-8 bytes is over the client's MaxKeyBytes.
        using var node = HybridCacheNode.Start(_cluster, client: o => o.MaxKeyBytes = 32);
        var factory = new CountingFactory(run => $"v{run}");
        var key = new string('\u00E9', 20);

        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => node.Cache.GetOrCreateAsync(key, factory.RunAsync).AsTask());
        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => node.Cache.SetAsync(key, "v").AsTask());

        Assert.Equal(0, factory.Runs);
    }

    [Fact]
    public async Task SilosMaxValueBytesUnderMaximumPayloadBytes_FailsWithTheSameCacheValueTooLarge_AndReleasesTheLease()
    {
        // MaximumPayloadBytes is 1 MiB by default; the test cluster's silos take at most 256 KiB.
        using var node = HybridCacheNode.Start(_cluster);
        var key = CacheTestCluster.NewKey("limits");
        var tooLarge = new string('x', CacheTestCluster.MaxValueBytes + 1);

        var error = await Assert.ThrowsAsync<CacheValueTooLargeException>(() => node.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult(tooLarge)).AsTask());
        await Assert.ThrowsAsync<CacheValueTooLargeException>(() => node.Cache.SetAsync(key, tooLarge).AsTask());

        Assert.Equal(CacheTestCluster.MaxValueBytes, error.Limit);
        Assert.False(await _cluster.Cache.ExistsAsync(key));
        Assert.Equal("small", await node.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult("small")).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task ReservedTagsMoreThan63TagsOrNonPositiveExpirations_AreInvalidCacheOptions_BeforeTheFactoryRuns()
    {
        using var node = HybridCacheNode.Start(_cluster);
        var key = CacheTestCluster.NewKey("limits");
        var factory = new CountingFactory(run => $"v{run}");
        var ownTags = Enumerable.Range(0, 64).Select(i => $"t{i}").ToArray();
        var invalid = new (HybridCacheEntryOptions? Options, string[] Tags)[]
        {
            (null, ["*"]),
            (null, [CacheCluster.Caching.Hybrid.CacheClusterHybridCache.AllEntriesTag]),
            (null, ownTags),
            (new HybridCacheEntryOptions { Expiration = TimeSpan.Zero }, []),
            (new HybridCacheEntryOptions { LocalCacheExpiration = TimeSpan.FromSeconds(-1) }, []),
        };

        foreach (var (options, tags) in invalid)
        {
            await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => node.Cache.GetOrCreateAsync(key, factory.RunAsync, options, tags).AsTask());
            await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => node.Cache.SetAsync(key, "v", options, tags).AsTask());
        }

        Assert.Equal(0, factory.Runs);
        Assert.False(await _cluster.Cache.ExistsAsync(key));

        // 63 tags of its own fit beside the reserved one.
        Assert.Equal("v1", await node.Cache.GetOrCreateAsync(key, factory.RunAsync, tags: ownTags[..63]));
        Assert.Equal(64, (await _cluster.Cache.TryGetBytesAsync(key)).Tags.Count);
    }

    public sealed record Widget(string Name, int Size);

    private sealed class WidgetSerializer : IHybridCacheSerializer<Widget>
    {
        public Widget Deserialize(ReadOnlySequence<byte> source)
        {
            var parts = Encoding.UTF8.GetString(source).Split('|');
            return new Widget(parts[1], int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
        }

        public void Serialize(Widget value, IBufferWriter<byte> target) =>
            target.Write(Encoding.UTF8.GetBytes($"widget|{value.Name}|{value.Size}"));
    }

    private sealed class WidgetFactory(string prefix) : IHybridCacheSerializerFactory
    {
        public bool TryCreateSerializer<T>([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IHybridCacheSerializer<T>? serializer)
        {
            serializer = typeof(T) == typeof(Widget) ? (IHybridCacheSerializer<T>)(object)new Prefixed(prefix) : null;
            return serializer is not null;
        }

        private sealed class Prefixed(string prefix) : IHybridCacheSerializer<Widget>
        {
            public Widget Deserialize(ReadOnlySequence<byte> source)
            {
                var parts = Encoding.UTF8.GetString(source).Split('|');
                return new Widget(parts[1], int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
            }

            public void Serialize(Widget value, IBufferWriter<byte> target) =>
                target.Write(Encoding.UTF8.GetBytes($"{prefix}|{value.Name}|{value.Size}"));
        }
    }
}
