namespace CacheCluster.Entries;

/// <summary>
/// Near-cache tracking: the clients that read this key with tracking and may hold a near copy. Each is told once, at
/// the next change of the entry (a write, a removal, a reload after a fenced conflict) or when the activation goes away
/// (idle collection, hard expiry, shutdown), after which it must read again to be tracked again.
/// </summary>
internal sealed partial class CacheEntryGrain
{
    /// <summary>Beyond this many trackers a read is answered untracked: the reader then keeps no near copy.</summary>
    private const int MaxTrackers = 10_000;

    private Dictionary<GrainId, INearCacheObserver>? _trackers;

    public Task<CacheTrackedRead> GetTrackedAsync(INearCacheObserver tracker)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ThrowIfKeyInvalid("Get");
        var now = clock.GetUtcNow();
        var record = Live(now);
        if (record is null)
        {
            metrics.Miss();
            return Task.FromResult(new CacheTrackedRead(CacheReadResult.Missing, Tracked: false));
        }

        RequireKind(record, CacheEntryKind.Value, "Get");
        var state = record.StateAt(now);
        metrics.Hit(state);
        var trackers = _trackers ??= [];
        var tracked = trackers.Count < MaxTrackers || trackers.ContainsKey(tracker.GetGrainId());
        if (tracked)
        {
            trackers[tracker.GetGrainId()] = tracker;
        }

        return Task.FromResult(new CacheTrackedRead(ReadResult(record, state), tracked));
    }

    /// <summary>Tells every tracker, once, that the entry changed, and forgets them.</summary>
    private void NotifyTrackers()
    {
        if (_trackers is not { Count: > 0 } trackers)
        {
            return;
        }

        _trackers = null;
        foreach (var tracker in trackers.Values)
        {
            try
            {
                // One-way: a client that is gone costs nothing here.
                _ = tracker.InvalidateAsync(_key);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogDebugTrackerNotifyFailed(ex, KeyHash);
            }
        }

        metrics.NearCacheNotices(trackers.Count);
    }

    [Microsoft.Extensions.Logging.LoggerMessage(1040, Microsoft.Extensions.Logging.LogLevel.Debug, "A near-cache tracker of key {KeyHash} could not be told of a change")]
    private partial void LogDebugTrackerNotifyFailed(Exception exception, string keyHash);
}
