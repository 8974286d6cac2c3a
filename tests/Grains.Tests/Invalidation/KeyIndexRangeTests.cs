using CacheCluster.Invalidation;

namespace CacheCluster.Tests.Invalidation;

/// <summary>Which ranges a request's globs read, and where a prefix's range ends in Redis (UTF-8 bytes).</summary>
public sealed class KeyIndexRangeTests
{
    [Fact]
    public void Ranges_ReadEachPrefixOnce_AndEverythingForAnUnanchoredGlob()
    {
        var anchored = new[] { "user:42:*", "user:4*", "order:?", "user:42:x", "user:43*" }.Select(CacheKeyPattern.Parse).ToArray();
        Assert.Equal(["order:", "user:4"], KeyIndexGrain.Ranges(anchored));
        Assert.Equal([""], KeyIndexGrain.Ranges([.. anchored, CacheKeyPattern.Parse("*:42")]));
    }

    [Fact]
    public void Successor_IsTheExclusiveUpperBoundOfTheUtf8Prefix()
    {
        Assert.Equal("user:43"u8.ToArray(), RedisKeyIndex.Successor("user:42"u8.ToArray()));
        Assert.Equal(new byte[] { 0x75, 0xC3, 0xBD }, RedisKeyIndex.Successor(System.Text.Encoding.UTF8.GetBytes("u\u00fc")));
    }
}
