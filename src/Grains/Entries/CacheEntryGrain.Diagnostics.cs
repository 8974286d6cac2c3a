using CacheCluster.Invalidation;

namespace CacheCluster.Entries;

/// <summary>What <c>cachecluster info</c> shows beyond the record: lease, waiters, trackers, last invalidation (memory only).</summary>
internal sealed partial class CacheEntryGrain
{
    public Task<CacheEntryDiagnostics> GetDiagnosticsAsync()
    {
        ThrowIfKeyInvalid("Info");
        return Task.FromResult(new CacheEntryDiagnostics
        {
            Lease = _lease,
            Waiters = _waitState?.Waiting ?? 0,
            Trackers = TrackerCount,
            LastInvalidation = _waitState?.LastInvalidation,
            LastInvalidatedAt = _waitState?.LastInvalidatedAt,
        });
    }

    /// <summary>Remembers the invalidation this call belongs to, if any (<see cref="InvalidationCause"/>).</summary>
    private void NoteInvalidation()
    {
        if (InvalidationCause.Current is { } cause)
        {
            WaitState.LastInvalidation = cause;
            WaitState.LastInvalidatedAt = Clock.GetUtcNow();
        }
    }
}
