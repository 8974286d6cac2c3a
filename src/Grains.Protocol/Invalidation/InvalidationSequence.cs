using System.ComponentModel;

namespace CacheCluster;

/// <summary>
/// What an invalidation observer remembers of the stream: the last sequence it saw in each partition. It tells each
/// notice apart (seen already, next in order, or after a gap) and tells from a renewal whether notices were lost while
/// the subscription was gone. Not thread-safe: callers that receive notices concurrently hold their own lock.
/// </summary>
/// <remarks>Wire protocol between CacheCluster's client and silos; not for application code.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class InvalidationSequence
{
    private readonly long[] _last = new long[IInvalidationStreamGrain.Partitions];

    /// <summary>Starts from where a fresh subscription stands.</summary>
    /// <param name="states">The states the partitions returned when subscribed to.</param>
    public void Start(IEnumerable<InvalidationSubscriptionState> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        foreach (var state in states)
        {
            _last[state.Partition] = state.Sequence;
        }
    }

    /// <summary>
    /// Classifies <paramref name="notice"/> against the last sequence seen in its partition, and moves past it unless it
    /// was seen already (or names no partition).
    /// </summary>
    /// <param name="notice">The notice received.</param>
    /// <returns>How the notice follows what was seen before.</returns>
    public InvalidationNoticeOrder Observe(InvalidationNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if ((uint)notice.Partition >= IInvalidationStreamGrain.Partitions || notice.Sequence <= _last[notice.Partition])
        {
            // Delivered again after a crash in the middle of a fan-out, or not from a partition at all.
            return InvalidationNoticeOrder.Seen;
        }

        var gap = notice.Sequence > _last[notice.Partition] + 1;
        _last[notice.Partition] = notice.Sequence;
        return gap ? InvalidationNoticeOrder.AfterGap : InvalidationNoticeOrder.Next;
    }

    /// <summary>
    /// Records that <paramref name="notice"/>, taken in by <see cref="Observe"/>, was not handled after all: the next
    /// notice of its partition then counts as after a gap.
    /// </summary>
    /// <param name="notice">The notice that was not handled.</param>
    public void Missed(InvalidationNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if ((uint)notice.Partition < IInvalidationStreamGrain.Partitions && _last[notice.Partition] == notice.Sequence)
        {
            _last[notice.Partition] = notice.Sequence - 1;
        }
    }

    /// <summary>
    /// Takes in a renewal's answer: <see langword="true"/> when the partition had dropped the subscription and moved
    /// on meanwhile, so notices may have been missed.
    /// </summary>
    /// <param name="state">The state a partition returned when the subscription was renewed.</param>
    /// <returns>Whether notices may have been missed.</returns>
    public bool Renewed(InvalidationSubscriptionState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Renewed || state.Sequence == _last[state.Partition])
        {
            return false;
        }

        _last[state.Partition] = state.Sequence;
        return true;
    }
}
