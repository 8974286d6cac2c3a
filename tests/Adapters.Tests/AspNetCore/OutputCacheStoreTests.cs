using System.Buffers;
using System.IO.Pipelines;
using CacheCluster.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.OutputCaching;

namespace CacheCluster.Tests.AspNetCore;

/// <summary>The store's own contract: the middleware's recycled buffers, tag limits, expiry arguments and reads.</summary>
[Collection(OutputCacheCollection.Name)]
public sealed class OutputCacheStoreTests(OutputCacheFixture fixture)
{
    private CacheClusterOutputCacheStore NewStore() => new(fixture.Cluster.Cache);

    [Fact]
    public async Task BufferSetAsync_BuffersRecycledAfterReturn_StoresTheirContentAndTags()
    {
        var store = NewStore();
        var key = NewKey();
        var tag = "entity:" + key;
        var body = new byte[] { 1, 2, 3, 4, 5, 6, 7 };
        var lease = ArrayPool<string>.Shared.Rent(4);
        lease[0] = tag;
        lease[1] = "other:" + key;
        var rented = ArrayPool<byte>.Shared.Rent(body.Length);
        body.CopyTo(rented, 0);

        await store.SetAsync(key, new ReadOnlySequence<byte>(rented, 0, body.Length), new ReadOnlyMemory<string>(lease, 0, 2), TimeSpan.FromMinutes(1), default);

        // What the middleware does as soon as the call returns.
        Array.Clear(rented);
        ArrayPool<byte>.Shared.Return(rented);
        Array.Clear(lease);
        ArrayPool<string>.Shared.Return(lease);

        Assert.Equal(body, await store.GetAsync(key, default));
        await store.EvictByTagAsync(tag, default);
        Assert.Null(await store.GetAsync(key, default));
    }

    [Fact]
    public async Task BufferSetAsync_MultiSegmentBody_StoresItWhole()
    {
        var store = NewStore();
        var key = NewKey();
        var first = new Segment(new byte[] { 1, 2, 3 });
        var last = first.Append(new byte[] { 4, 5 });

        await store.SetAsync(key, new ReadOnlySequence<byte>(first, 0, last, 2), default, TimeSpan.FromMinutes(1), default);

        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, await store.GetAsync(key, default));
    }

    [Fact]
    public async Task TryGetAsync_Stored_WritesTheBytesToThePipe()
    {
        var store = NewStore();
        var key = NewKey();
        await store.SetAsync(key, [9, 8, 7], null, TimeSpan.FromMinutes(1), default);
        var pipe = new Pipe();

        var found = await store.TryGetAsync(key, pipe.Writer, default);
        var missing = await store.TryGetAsync(NewKey(), pipe.Writer, default);
        await pipe.Writer.CompleteAsync();
        var read = await pipe.Reader.ReadAtLeastAsync(4);

        Assert.True(found);
        Assert.False(missing);
        Assert.Equal(new byte[] { 9, 8, 7 }, read.Buffer.ToArray());
    }

    [Fact]
    public async Task SetAsync_SixtyFourTags_StoredAndEachEvicts()
    {
        var store = NewStore();
        var key = NewKey();
        var tags = Enumerable.Range(0, CacheEntryOptions.MaxTags).Select(i => $"t{i}:{key}").ToArray();

        await store.SetAsync(key, [1], tags, TimeSpan.FromMinutes(1), default);
        Assert.NotNull(await store.GetAsync(key, default));

        await store.EvictByTagAsync(tags[^1], default);
        Assert.Null(await store.GetAsync(key, default));
    }

    [Fact]
    public async Task SetAsync_SixtyFiveTags_ThrowsInvalidCacheOptionsAndStoresNothing()
    {
        var store = NewStore();
        var key = NewKey();
        await store.SetAsync(key, [1], null, TimeSpan.FromMinutes(1), default);
        var tags = Enumerable.Range(0, CacheEntryOptions.MaxTags + 1).Select(i => $"t{i}").ToArray();

        var error = await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => store.SetAsync(key, new ReadOnlySequence<byte>([2]), tags, TimeSpan.FromMinutes(1), default).AsTask());

        Assert.Equal("An entry may carry at most 64 tags (was 65).", error.Message);
        Assert.Equal(new byte[] { 1 }, await store.GetAsync(key, default));
    }

    [Theory]
    [InlineData("long")]
    [InlineData("comma")]
    [InlineData("empty")]
    [InlineData("control")]
    public async Task SetAsync_TagTheClusterCannotHold_ThrowsInvalidCacheOptionsAndStoresNothing(string kind)
    {
        var store = NewStore();
        var key = NewKey();
        var tag = kind switch
        {
            "long" => new string('a', CacheEntryOptions.MaxTagBytes + 1),
            "comma" => "a,b",
            "empty" => string.Empty,
            _ => "a\u001Eb",
        };

        await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => store.SetAsync(key, [1], [tag], TimeSpan.FromMinutes(1), default).AsTask());

        Assert.Null(await store.GetAsync(key, default));
    }

    [Fact]
    public async Task SetAsync_NonPositiveValidFor_ThrowsArgumentOutOfRange()
    {
        var store = NewStore();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.SetAsync(NewKey(), [1], null, TimeSpan.Zero, default).AsTask());
    }

    [Fact]
    public async Task SetAsync_ValidForBeyondTheClusterLimit_CappedAtTheLimit()
    {
        var store = NewStore();
        var key = NewKey();

        await store.SetAsync(key, [1], null, TimeSpan.MaxValue, default);

        var ttl = await fixture.Cluster.Cache.GetTimeToLiveAsync(ClusterKey(key));
        Assert.Equal(CacheEntryOptions.MaxTimeToLive, ttl.TimeToLive);
    }

    [Fact]
    public async Task GetAsync_ValueUnderThePrefixNotWrittenByTheStore_IsAMiss()
    {
        var store = NewStore();
        var key = NewKey();
        await fixture.Cluster.Cache.SetBytesAsync(ClusterKey(key), new CacheValue([1, 2], "text/plain"));

        Assert.Null(await store.GetAsync(key, default));
    }

    private static string ClusterKey(string key) =>
        Microsoft.Extensions.DependencyInjection.CacheClusterOutputCacheServiceCollectionExtensions.KeyPrefix + key;

    private static string NewKey() => "k" + Guid.NewGuid().ToString("N");

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] data) => Memory = data;

        public Segment Append(byte[] data)
        {
            var next = new Segment(data) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
