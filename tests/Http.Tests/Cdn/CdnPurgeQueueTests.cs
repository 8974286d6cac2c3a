using CacheCluster.Http.Cdn;

namespace CacheCluster.Tests.Cdn;

/// <summary>A CDN's bounded queue: what overflows, what a purge-all supersedes and covers.</summary>
public sealed class CdnPurgeQueueTests
{
    private static PurgeRequest Url(int i) => new("test", "url", i, null);

    private static PurgeRequest All() => new("test", CdnPurgeQueue.PurgeAllKind, 1, null);

    private static CdnPurgeQueue Queue(int capacity, bool purgeAllOnOverflow) => new(capacity, purgeAllOnOverflow, () => [All()]);

    [Fact]
    public void FullQueue_WithoutPurgeAllOnOverflow_DropsAndCounts_UntilItRunsEmpty()
    {
        var queue = Queue(2, purgeAllOnOverflow: false);

        Assert.Equal(CdnEnqueueOutcome.Queued, queue.Enqueue(Url(1)).Outcome);
        Assert.Equal(CdnEnqueueOutcome.Queued, queue.Enqueue(Url(2)).Outcome);
        Assert.Equal(CdnEnqueueOutcome.Dropped, queue.Enqueue(Url(3)).Outcome);
        Assert.Equal(CdnEnqueueOutcome.Dropped, queue.Enqueue(Url(4)).Outcome);

        Assert.Equal(2, queue.Count);
        Assert.Equal(2, queue.DroppedSinceEmpty);
        Assert.True(queue.TryDequeue(out _));
        Assert.Equal(CdnEnqueueOutcome.Queued, queue.Enqueue(Url(5)).Outcome);
        Assert.True(queue.TryDequeue(out _));
        Assert.True(queue.TryDequeue(out _));
        Assert.False(queue.TryDequeue(out _));
        Assert.Equal(2, queue.TakeDroppedCount());
        Assert.Equal(0, queue.DroppedSinceEmpty);
    }

    [Fact]
    public void FullQueue_WithPurgeAllOnOverflow_BecomesOnePurgeAll_ThatCoversWhatFollows()
    {
        var queue = Queue(2, purgeAllOnOverflow: true);
        queue.Enqueue(Url(1));
        queue.Enqueue(Url(2));

        var overflow = queue.Enqueue(Url(3));

        Assert.Equal(CdnEnqueueOutcome.Overflowed, overflow.Outcome);
        Assert.Equal(3, overflow.Superseded.Count);
        Assert.Equal(1, queue.Count);
        Assert.Equal(CdnEnqueueOutcome.Covered, queue.Enqueue(Url(4)).Outcome);
        Assert.True(queue.TryDequeue(out var sent));
        Assert.Equal(CdnPurgeQueue.PurgeAllKind, sent.Kind);

        // Once the purge-all is on its way, later invalidations are queued again.
        Assert.Equal(CdnEnqueueOutcome.Queued, queue.Enqueue(Url(5)).Outcome);
        Assert.Equal(0, queue.DroppedSinceEmpty);
    }

    [Fact]
    public void PurgeAll_SupersedesWhatIsPending_AndASecondOneWhileItWaits()
    {
        var queue = Queue(10, purgeAllOnOverflow: false);
        queue.Enqueue(Url(1));
        queue.Enqueue(Url(2));

        var first = queue.Enqueue(All());
        var second = queue.Enqueue(All());

        Assert.Equal((CdnEnqueueOutcome.Queued, 2), (first.Outcome, first.Superseded.Count));
        Assert.Equal((CdnEnqueueOutcome.Queued, 0), (second.Outcome, second.Superseded.Count));
        Assert.Equal(1, queue.Count);
    }
}
