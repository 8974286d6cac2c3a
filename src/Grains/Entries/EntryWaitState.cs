namespace CacheCluster.Entries;

/// <summary>
/// What a <see cref="CacheEntryGrain"/> keeps only once single flight, a failed fill or an invalidation has involved
/// it: parked readers and their timer, fill outcomes for waiters, the fail-safe throttle, and the diagnostics of
/// <c>cachecluster info</c>. Made on first use and kept for the activation's life; most entries never need one, so an
/// active entry does not carry these ~120 bytes of fields.
/// </summary>
/// <remarks>Read and written on the grain's scheduler only, like the grain's own fields.</remarks>
internal sealed class EntryWaitState
{
    /// <summary>Gets or sets the readers parked until the entry or the lease changes, ordered by when each wakes on its own.</summary>
    public PriorityQueue<TaskCompletionSource<CacheLookup?>, DateTimeOffset>? Parked { get; set; }

    /// <summary>Gets or sets when the parked readers' one timer is due; <see cref="DateTimeOffset.MaxValue"/> when none is armed.</summary>
    public DateTimeOffset WakeAt { get; set; } = DateTimeOffset.MaxValue;

    /// <summary>Gets or sets the timer's generation: bumped when it is re-armed or no longer needed.</summary>
    public long WakeGeneration { get; set; }

    /// <summary>Gets or sets the time before which no refresh lease is granted after a failed refresh (fail-safe throttle).</summary>
    public DateTimeOffset RefreshThrottledUntil { get; set; }

    /// <summary>Gets or sets how many holders failed with no value to fall back on.</summary>
    public long Failures { get; set; }

    /// <summary>Gets or sets the last such failure's message.</summary>
    public string? LastFailure { get; set; }

    /// <summary>Gets or sets how many holders found no value.</summary>
    public long NoValues { get; set; }

    /// <summary>Gets or sets a fill that could not be stored, for the callers parked on its lease.</summary>
    public CacheReadResult? HandOff { get; set; }

    /// <summary>Gets or sets the hand-off round: bumped with each <see cref="HandOff"/>.</summary>
    public long HandOffs { get; set; }

    /// <summary>Gets or sets how many readers are parked in GetOrLeaseAsync.</summary>
    public int Waiting { get; set; }

    /// <summary>Gets or sets the invalidation the entry last took part in.</summary>
    public string? LastInvalidation { get; set; }

    /// <summary>Gets or sets when that was.</summary>
    public DateTimeOffset? LastInvalidatedAt { get; set; }
}
