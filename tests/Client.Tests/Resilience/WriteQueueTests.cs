using CacheCluster.Resilience;

namespace CacheCluster.Tests.Resilience;

public sealed class WriteQueueTests
{
    [Fact]
    public void OneWritePerKey_TheNewestWins_InTheOrderMade()
    {
        var queue = new WriteQueue(10);
        Add(queue, QueuedWriteKind.Set, "a");
        Add(queue, QueuedWriteKind.Remove, "b");
        var newest = Add(queue, QueuedWriteKind.Remove, "a");

        Assert.Equal(2, queue.Count);
        Assert.Equal(["b", "a"], queue.Snapshot().Select(w => w.Key));
        Assert.True(queue.TryGetPending("a", out var pending));
        Assert.Same(newest, pending);
        Assert.False(queue.TryGetPending("c", out _));
    }

    [Fact]
    public void Complete_DropsTheWrite_UnlessANewerOneReplacedIt()
    {
        var queue = new WriteQueue(10);
        var first = Add(queue, QueuedWriteKind.Remove, "a");
        var second = Add(queue, QueuedWriteKind.Set, "a");

        queue.Complete(first);
        Assert.True(queue.TryGetPending("a", out var pending));
        Assert.Same(second, pending);

        queue.Complete(second);
        Assert.Equal(0, queue.Count);
        Assert.False(queue.TryGetPending("a", out _));
    }

    [Fact]
    public void Full_TheOldestSetMakesRoom_RemovesAreNeverDroppedForASet()
    {
        var queue = new WriteQueue(3);
        Add(queue, QueuedWriteKind.Remove, "r1");
        Add(queue, QueuedWriteKind.Set, "s1");
        Add(queue, QueuedWriteKind.Set, "s2");

        Assert.True(queue.TryAdd(Write(QueuedWriteKind.Remove, "r2"), out var dropped));
        Assert.Equal("s1", dropped!.Key);
        Assert.True(queue.TryAdd(Write(QueuedWriteKind.Set, "s3"), out dropped));
        Assert.Equal("s2", dropped!.Key);
        Assert.True(queue.TryAdd(Write(QueuedWriteKind.Remove, "r3"), out dropped));
        Assert.Equal("s3", dropped!.Key);

        // Only removes left: nothing may make room, and the caller is told.
        Assert.False(queue.TryAdd(Write(QueuedWriteKind.Remove, "r4"), out dropped));
        Assert.Null(dropped);
        Assert.Equal(["r1", "r2", "r3"], queue.Snapshot().Select(w => w.Key));

        // A newer write to a queued key always fits.
        Assert.True(queue.TryAdd(Write(QueuedWriteKind.Remove, "r1"), out _));
    }

    [Fact]
    public void TagAndPatternRemovals_AreKeptByTarget_AndCoverTheEntriesTheyRemove()
    {
        var queue = new WriteQueue(10);
        Assert.False(queue.HasRemovals);
        Assert.True(queue.TryAdd(new QueuedWrite(QueuedWriteKind.RemoveTag, "t\0products", key: null, _ => Task.CompletedTask) { Tag = "products" }, out _));
        Assert.True(queue.TryAdd(new QueuedWrite(QueuedWriteKind.RemoveTag, "t\0products", key: null, _ => Task.CompletedTask) { Tag = "products" }, out _));
        Assert.True(queue.TryAdd(new QueuedWrite(QueuedWriteKind.RemovePattern, "p\0user:42:*", key: null, _ => Task.CompletedTask) { Pattern = CacheCluster.NearCache.CacheKeyPattern.Parse("user:42:*") }, out _));
        Assert.True(queue.TryAdd(new QueuedWrite(QueuedWriteKind.Publish, "e\0evt-1", key: null, _ => Task.CompletedTask), out _));

        Assert.Equal(3, queue.Count);
        Assert.True(queue.HasRemovals);
        Assert.True(queue.Covers("product:1", ["products"]));
        Assert.True(queue.Covers("user:42:cart", []));
        Assert.False(queue.Covers("user:420:cart", ["users"]));

        foreach (var write in queue.Snapshot())
        {
            queue.Complete(write);
        }

        Assert.False(queue.HasRemovals);
        Assert.False(queue.Covers("product:1", ["products"]));
    }

    private static QueuedWrite Add(WriteQueue queue, QueuedWriteKind kind, string key)
    {
        var write = Write(kind, key);
        Assert.True(queue.TryAdd(write, out _));
        return write;
    }

    private static QueuedWrite Write(QueuedWriteKind kind, string key) => new(kind, WriteQueue.Target(key), key, _ => Task.CompletedTask);
}
