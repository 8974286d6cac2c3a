using CacheCluster.Invalidation;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Entries;

/// <summary>
/// Near-cache tracking: the clients that read this key with tracking and may hold a near copy. Each is told once, at
/// the next change of the entry (a write, a removal, a reload after a fenced conflict) or when the activation goes away
/// (idle collection, hard expiry, shutdown), after which it must read again to be tracked again. The silo's
/// <see cref="NearCacheNotices"/> sends the notice: at once for a single change, gathered per client during a batch
/// removal; trackers of clients known to be gone are forgotten (<see cref="ForgetTrackersOf"/>) and told nothing.
/// </summary>
internal sealed partial class CacheEntryGrain
{
    /// <summary>Beyond this many trackers a read is answered untracked: the reader then keeps no near copy.</summary>
    private const int MaxTrackers = 10_000;

    private Dictionary<GrainId, INearCacheObserver>? _trackers;
    private NearCacheNotices? _notices;

    /// <summary>Whether any client tracks this key now (read off the grain's scheduler: a hint only).</summary>
    internal bool HasTrackers => Volatile.Read(ref _trackers) is { Count: > 0 };

    public Task<CacheTrackedRead> GetTrackedAsync(INearCacheObserver tracker)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ThrowIfKeyInvalid("Get");
        var now = Clock.GetUtcNow();
        var record = Live(now);
        if (record is null)
        {
            Metrics.Miss();
            return Task.FromResult(new CacheTrackedRead(CacheReadResult.Missing, Tracked: false));
        }

        RequireKind(record, CacheEntryKind.Value, "Get");
        var state = record.StateAt(now);
        Metrics.Hit(state);
        var trackers = _trackers ??= [];
        var id = tracker.GetGrainId();
        var tracked = (trackers.Count < MaxTrackers || trackers.ContainsKey(id)) && !Notices.IsGone(id);
        if (tracked)
        {
            trackers[id] = tracker;
        }

        return Task.FromResult(new CacheTrackedRead(ReadResult(record, state), tracked));
    }

    private NearCacheNotices Notices => _notices ??= ServiceProvider.GetRequiredService<NearCacheNotices>();

    /// <summary>Gets how many clients track this key, not counting those known to be gone (told nothing, dropped at the next change).</summary>
    private int TrackerCount => _trackers is { } trackers ? trackers.Keys.Count(id => !Notices.IsGone(id)) : 0;

    /// <summary>Forgets the trackers of <paramref name="client"/>, which is gone; runs on the grain's scheduler.</summary>
    /// <returns>How many trackers were forgotten.</returns>
    internal int ForgetTrackersOf(GrainId client)
    {
        if (_trackers is not { Count: > 0 } trackers)
        {
            return 0;
        }

        var gone = trackers.Keys.Where(id => NearCacheNotices.ClientOf(id) == client).ToList();
        foreach (var id in gone)
        {
            trackers.Remove(id);
        }

        if (trackers.Count == 0)
        {
            _trackers = null;
        }

        return gone.Count;
    }

    /// <summary>A tracker of <paramref name="client"/>, if it tracks this key; runs on the grain's scheduler.</summary>
    internal INearCacheObserver? TrackerOf(GrainId client) =>
        _trackers?.FirstOrDefault(t => NearCacheNotices.ClientOf(t.Key) == client).Value;

    /// <summary>Tells every tracker, once, that the entry changed, and forgets them.</summary>
    private void NotifyTrackers()
    {
        if (_trackers is not { Count: > 0 } trackers)
        {
            return;
        }

        _trackers = null;
        Notices.Notify(trackers, _key);
    }
}
