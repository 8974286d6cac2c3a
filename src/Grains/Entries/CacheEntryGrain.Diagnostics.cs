using CacheCluster.Invalidation;

namespace CacheCluster.Entries;

/// <summary>What <c>cachecluster info</c> shows beyond the record: lease, waiters, trackers, last invalidation (memory only).</summary>
internal sealed partial class CacheEntryGrain
{
    // Readers parked in GetOrLeaseAsync; changed on the grain's scheduler only.
    private int _waiting;
    private string? _lastInvalidation;
    private DateTimeOffset? _lastInvalidatedAt;

    public Task<CacheEntryDiagnostics> GetDiagnosticsAsync()
    {
        ThrowIfKeyInvalid("Info");
        return Task.FromResult(new CacheEntryDiagnostics
        {
            Lease = _lease,
            Waiters = _waiting,
            Trackers = TrackerCount,
            LastInvalidation = _lastInvalidation,
            LastInvalidatedAt = _lastInvalidatedAt,
        });
    }

    /// <summary>Remembers the invalidation this call belongs to, if any (<see cref="InvalidationCause"/>).</summary>
    private void NoteInvalidation()
    {
        if (InvalidationCause.Current is { } cause)
        {
            _lastInvalidation = cause;
            _lastInvalidatedAt = clock.GetUtcNow();
        }
    }
}
