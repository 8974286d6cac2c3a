namespace CacheCluster.Tests.Invalidation;

public sealed class InvalidationSequenceTests
{
    [Fact]
    public void Observe_TellsNextFromGapFromSeen_PerPartition()
    {
        var sequence = new InvalidationSequence();
        sequence.Start([State(0, 5), State(3, 0)]);

        Assert.Equal(InvalidationNoticeOrder.Next, sequence.Observe(Notice(0, 6)));
        Assert.Equal(InvalidationNoticeOrder.Seen, sequence.Observe(Notice(0, 6)));
        Assert.Equal(InvalidationNoticeOrder.Seen, sequence.Observe(Notice(0, 2)));
        Assert.Equal(InvalidationNoticeOrder.AfterGap, sequence.Observe(Notice(0, 9)));
        Assert.Equal(InvalidationNoticeOrder.Next, sequence.Observe(Notice(0, 10)));

        // Another partition keeps its own count.
        Assert.Equal(InvalidationNoticeOrder.Next, sequence.Observe(Notice(3, 1)));
        Assert.Equal(InvalidationNoticeOrder.Seen, sequence.Observe(Notice(IInvalidationStreamGrain.Partitions, 1)));
        Assert.Equal(InvalidationNoticeOrder.Seen, sequence.Observe(Notice(-1, 1)));
    }

    [Fact]
    public void Missed_MakesTheNextNoticeCountAsAfterAGap()
    {
        var sequence = new InvalidationSequence();
        var notice = Notice(1, 1);
        Assert.Equal(InvalidationNoticeOrder.Next, sequence.Observe(notice));

        sequence.Missed(notice);

        Assert.Equal(InvalidationNoticeOrder.AfterGap, sequence.Observe(Notice(1, 2)));
    }

    [Fact]
    public void Renewed_ReportsALostSubscriptionOnlyWhenThePartitionMovedOn()
    {
        var sequence = new InvalidationSequence();
        sequence.Start([State(2, 4)]);

        Assert.False(sequence.Renewed(State(2, 9, renewed: true)));
        Assert.False(sequence.Renewed(State(2, 4)));
        Assert.True(sequence.Renewed(State(2, 7)));

        // The renewal moved the partition on: what follows 7 is next, not a gap.
        Assert.Equal(InvalidationNoticeOrder.Next, sequence.Observe(Notice(2, 8)));
    }

    private static InvalidationSubscriptionState State(int partition, long sequence, bool renewed = false) =>
        new(partition, sequence, TimeSpan.FromMinutes(2), renewed);

    private static InvalidationNotice Notice(int partition, long sequence) =>
        new(partition, sequence, $"ev-{sequence}", "user.updated", [], [], [], 0);
}
