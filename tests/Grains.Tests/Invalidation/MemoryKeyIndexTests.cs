using CacheCluster.Invalidation;

namespace CacheCluster.Tests.Invalidation;

/// <summary>The embedded-mode key index read by prefix: a range of an ordinal sorted set, live keys only.</summary>
public sealed class MemoryKeyIndexTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task PrefixRange_ReturnsExactlyTheLiveMatches_NeverANeighbourNorAnExpiredKey()
    {
        var index = new MemoryKeyIndex();
        foreach (var key in new[] { "user:42:b", "user:420", "user:42", "user:4", "user:43:a", "user:42:a", "user:42;", "user:42:\uffff" })
        {
            index.Add(["3"], key, Now.AddHours(1));
        }

        index.Add(["3"], "user:42:short", Now.AddSeconds(5));
        index.Add(["3"], "user:42:forever", null);
        index.Add(["4"], "user:42:elsewhere", null);

        Assert.Equal(["user:42:a", "user:42:b", "user:42:forever", "user:42:\uffff"], await index.RangeAsync("3", "user:42:", null, 100, Now.AddSeconds(6)));
        Assert.Equal(["user:42:a", "user:42:b"], await index.RangeAsync("3", "user:42:", null, 2, Now));
        Assert.Equal(["user:42:forever", "user:42:short"], await index.RangeAsync("3", "user:42:", "user:42:b", 2, Now));
        Assert.Empty(await index.RangeAsync("3", "user:42:", "user:42;", 10, Now));
        Assert.Empty(await index.RangeAsync("9", "user:", null, 10, Now));

        index.Remove(["3"], "user:42:a");
        Assert.Equal("user:42:b", (await index.RangeAsync("3", "user:42:", null, 1, Now))[0]);
        Assert.Equal(9, (await index.RangeAsync("3", "", null, 100, Now)).Count);
    }

    [Fact]
    public void UpperBound_IsTheLeastStringAboveThePrefixRange()
    {
        Assert.Equal("user:43", MemoryKeyIndex.UpperBound("user:42"));
        Assert.Equal("b", MemoryKeyIndex.UpperBound("a\uffff"));
        Assert.Null(MemoryKeyIndex.UpperBound("\uffff"));
        Assert.Null(MemoryKeyIndex.UpperBound(""));
    }
}
