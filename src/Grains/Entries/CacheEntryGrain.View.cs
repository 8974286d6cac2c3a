using CacheCluster.Eviction;

namespace CacheCluster.Entries;

/// <summary>
/// Reads through the silo's <see cref="EntryReadView"/>: a plain get answered off the grain's scheduler, from the
/// committed record. The record is one volatile field, changed only where the grain's own <c>GetAsync</c> would answer
/// differently from then on (<c>SetRecord</c>): after the store acknowledged a stored write, at once for a
/// write-behind one, on a reload. A read during a stored write therefore sees the old record until the write is
/// acknowledged, and the new one once it is, as a read queued behind the write would.
/// </summary>
internal sealed partial class CacheEntryGrain
{
    // The cache clock's ticks at the last grain call that read the record (Live): the view answers for this activation
    // only within EntryReadView.RefreshAfter of it, so that Orleans' idle collection still sees a hot entry called.
    private long _lastCallTicks;

    // Set as the activation starts to deactivate: a view read that took this activation from the view just before
    // answers only if, after reading the record, the activation had not yet left (so no later activation had written).
    private volatile bool _leftView;

    private void JoinView() => ReadView.Add(_key, this);

    private void LeaveView()
    {
        _leftView = true;
        ReadView.Remove(_key, this);
    }

    /// <summary>
    /// Answers a plain get at <paramref name="now"/> as <c>GetAsync</c> would, counting it as <c>GetAsync</c> and the
    /// silo's call filter do (hit or miss, operation rate, hot keys, recency), or returns <see langword="null"/> for the
    /// grain call: the record expired (the call deactivates the activation), is not a value (the call throws the typed
    /// error), or the activation's last grain call is <paramref name="refreshAfter"/> old.
    /// </summary>
    /// <remarks>Runs on the caller's thread, beside the grain's turns: it reads the record once and writes only stamps.</remarks>
    internal CacheReadResult? TryGetInView(DateTimeOffset now, TimeSpan refreshAfter)
    {
        if (now.UtcTicks - Volatile.Read(ref _lastCallTicks) >= refreshAfter.Ticks)
        {
            return null;
        }

        var record = _record;
        if (_leftView || (record is not null && (record.Kind != CacheEntryKind.Value || record.IsExpiredAt(now))))
        {
            return null;
        }

        var stamp = Recency.StampOf(now);
        Volatile.Write(ref _lastUsed, stamp);
        Operations.Rate.Record();
        Operations.HotKeys?.Record(GrainContext.GrainId.Key.AsSpan());
        using var activity = CacheClusterTracing.Start(GetSpan, _key);
        if (record is null)
        {
            Metrics.Miss();
            activity?.Tag(CacheClusterTracing.Outcome, "miss");
            return CacheReadResult.Missing;
        }

        if (record.LastUsed != stamp)
        {
            record.LastUsed = stamp;
        }

        var state = record.StateAt(now);
        Metrics.Hit(state);
        activity?.Tag(CacheClusterTracing.Outcome, "hit");
        return ReadResult(record, state);
    }
}
