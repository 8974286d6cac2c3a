using Orleans.Concurrency;

namespace CacheCluster;

/// <summary>
/// One cache entry, addressed by its key: a value or a list, with a version, soft and hard expiry, and tags.
/// </summary>
/// <remarks>
/// <para>Wire protocol between CacheCluster's client and silos; not for application code.</para>
/// <para>
/// Every write increments the entry's version and is acknowledged only once the entry store holds it.
/// Invalid input throws an <see cref="InvalidCacheRequestException"/> and leaves the entry untouched.
/// </para>
/// </remarks>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public interface ICacheEntryGrain : IGrainWithStringKey
{
    /// <summary>Reads the value.</summary>
    /// <returns>The value with its state, or <see cref="CacheReadResult.Missing"/>.</returns>
    /// <exception cref="CacheWrongTypeException">The key holds a list.</exception>
    [ReadOnly]
    Task<CacheReadResult> GetAsync();

    /// <summary>Describes the entry's lease, waiters, near-cache trackers and last invalidation (for <c>cachecluster info</c>).</summary>
    /// <returns>The diagnostics; answered whether or not the key exists.</returns>
    [AlwaysInterleave]
    Task<CacheEntryDiagnostics> GetDiagnosticsAsync();

    /// <summary>
    /// Reads the value like <see cref="GetAsync"/> and, when it is found, registers <paramref name="tracker"/> to be told
    /// once when the entry next changes (one-shot: read again to be told again).
    /// </summary>
    /// <param name="tracker">The reader's near cache.</param>
    /// <returns>The read, and whether it is tracked.</returns>
    [ReadOnly]
    Task<CacheTrackedRead> GetTrackedAsync(INearCacheObserver tracker);

    /// <summary>Writes the value if <paramref name="condition"/> holds.</summary>
    /// <param name="value">The value.</param>
    /// <param name="options">Expiry and tags; <see langword="null"/> for no expiry and no tags.</param>
    /// <param name="condition">The precondition.</param>
    /// <returns>What was done and the resulting version.</returns>
    Task<CacheWriteResult> SetAsync(CacheValue value, CacheEntryOptions? options, CacheWriteCondition condition);

    /// <summary>Removes the key.</summary>
    /// <returns><see langword="true"/> if it existed.</returns>
    Task<bool> DeleteAsync();

    /// <summary>
    /// Removes the entry if it still carries <paramref name="tag"/> (voiding any lease), and drops the key's
    /// registration under that tag either way. Called by the tag's grain.
    /// </summary>
    /// <param name="tag">The tag being invalidated.</param>
    /// <returns><see langword="true"/> if the entry was removed.</returns>
    Task<bool> InvalidateTagAsync(string tag);

    /// <summary>Tells whether the key exists.</summary>
    /// <returns><see langword="true"/> if the key exists, fresh or stale.</returns>
    [ReadOnly]
    Task<bool> ExistsAsync();

    /// <summary>Adds <paramref name="by"/> to the integer stored at the key, creating it at 0 when missing (Redis <c>INCRBY</c>).</summary>
    /// <param name="by">The amount to add; may be negative.</param>
    /// <param name="options">Expiry and tags applied when the key is created; an existing entry keeps its own.</param>
    /// <returns>The new value and version.</returns>
    /// <exception cref="CacheValueNotIntegerException">The stored value is not a 64-bit decimal integer.</exception>
    /// <exception cref="CacheIntegerOverflowException">The result does not fit in 64 bits.</exception>
    Task<CacheMutationResult> IncrementAsync(long by, CacheEntryOptions? options);

    /// <summary>Reads the remaining soft and hard lifetime.</summary>
    /// <returns>The remaining lifetime.</returns>
    [ReadOnly]
    Task<CacheTimeToLive> GetTimeToLiveAsync();

    /// <summary>Reads the entry's metadata.</summary>
    /// <returns>The metadata, or <see langword="null"/> when the key does not exist.</returns>
    [ReadOnly]
    Task<CacheEntryInfo?> GetInfoAsync();

    /// <summary>Pushes values to one end of the list at the key, creating it when missing.</summary>
    /// <param name="end">Which end; values pushed to the head end up in reverse order, as with Redis <c>LPUSH</c>.</param>
    /// <param name="values">The values, at least one.</param>
    /// <param name="options">Expiry and tags applied when the list is created.</param>
    /// <returns>The new length and version.</returns>
    Task<CacheMutationResult> ListPushAsync(ListEnd end, IReadOnlyList<CacheValue> values, CacheEntryOptions? options);

    /// <summary>
    /// Reads for fill: returns the value when there is one (fresh, or stale when allowed), or grants this caller the
    /// key's one lease, or waits inside the grain (without blocking it) for the current holder's fill.
    /// </summary>
    /// <param name="request">How long to wait, the lease timeout, stale and eager-refresh rules.</param>
    /// <returns>A hit (perhaps with a refresh lease), a granted fill lease, or a reason to ask again.</returns>
    [AlwaysInterleave]
    Task<CacheLookup> GetOrLeaseAsync(CacheLeaseRequest request);

    /// <summary>Writes the value computed under a lease and completes every waiter with it.</summary>
    /// <param name="leaseToken">The token of the lease this caller was granted.</param>
    /// <param name="value">The value.</param>
    /// <param name="options">Expiry and tags.</param>
    /// <returns>The write's result; <see cref="CacheWriteOutcome.LeaseVoided"/> (nothing stored) when the lease no longer stands.</returns>
    Task<CacheWriteResult> FillAsync(long leaseToken, CacheValue value, CacheEntryOptions? options);

    /// <summary>Gives a lease back without a value.</summary>
    /// <param name="leaseToken">The token of the lease.</param>
    /// <param name="release">Abandoned, failed (fail-safe applies), or no value.</param>
    /// <param name="error">The source's error message for <see cref="CacheLeaseRelease.Failed"/>; never a value.</param>
    /// <param name="failSafeThrottle">How long refreshes of a stale value are held back after a failure.</param>
    /// <returns>A task that completes when the lease is released.</returns>
    Task ReleaseLeaseAsync(long leaseToken, CacheLeaseRelease release, string? error, TimeSpan? failSafeThrottle);

    /// <summary>Reads elements <paramref name="start"/> to <paramref name="stop"/> inclusive; negative indexes count from the end (Redis <c>LRANGE</c>).</summary>
    /// <param name="start">The first index.</param>
    /// <param name="stop">The last index, inclusive.</param>
    /// <returns>The elements; empty when the key is missing or the range is empty.</returns>
    [ReadOnly]
    Task<IReadOnlyList<CacheValue>> ListRangeAsync(long start, long stop);

    /// <summary>Reads the list's length.</summary>
    /// <returns>The length, or 0 when the key is missing.</returns>
    [ReadOnly]
    Task<long> ListLengthAsync();

    /// <summary>Removes elements equal to <paramref name="value"/> (Redis <c>LREM</c>).</summary>
    /// <param name="value">The bytes to match.</param>
    /// <param name="count">Positive: the first <paramref name="count"/> from the head; negative: from the tail; 0: all.</param>
    /// <returns>The number removed and the resulting version.</returns>
    Task<CacheMutationResult> ListRemoveAsync(CacheValue value, long count);

    /// <summary>Keeps only elements <paramref name="start"/> to <paramref name="stop"/> inclusive (Redis <c>LTRIM</c>).</summary>
    /// <param name="start">The first index kept.</param>
    /// <param name="stop">The last index kept, inclusive.</param>
    /// <returns>The new length and version.</returns>
    Task<CacheMutationResult> ListTrimAsync(long start, long stop);

    /// <summary>
    /// Gives the entry a new hard expiry, <paramref name="timeToLive"/> from now (Redis <c>EXPIRE</c>), replacing its
    /// sliding window and absolute cap; the soft expiry is kept, but never past the new hard expiry. A non-positive
    /// <paramref name="timeToLive"/> removes the key.
    /// </summary>
    /// <param name="timeToLive">The new time to live; at most <see cref="CacheEntryOptions.MaxTimeToLive"/>.</param>
    /// <returns><see langword="true"/> if the key exists (and was changed or removed).</returns>
    /// <exception cref="InvalidCacheOptionsException"><paramref name="timeToLive"/> is over the maximum.</exception>
    Task<bool> ExpireAsync(TimeSpan timeToLive);

    /// <summary>
    /// Moves the hard expiry to now plus the entry's sliding window, capped by its absolute expiry; the soft expiry moves
    /// by as much. An entry without a sliding window is left as it is (no new version).
    /// </summary>
    /// <returns><see langword="true"/> if the key exists.</returns>
    Task<bool> TouchAsync();

    /// <summary>Removes the entry's hard and soft expiry and its sliding window (Redis <c>PERSIST</c>).</summary>
    /// <returns><see langword="true"/> if an expiry was removed; <see langword="false"/> when the key is missing or had none.</returns>
    Task<bool> PersistAsync();

    /// <summary>Reads the value like <see cref="GetAsync"/> and touches it like <see cref="TouchAsync"/>, in one turn.</summary>
    /// <returns>The value as touched, or <see cref="CacheReadResult.Missing"/>.</returns>
    /// <exception cref="CacheWrongTypeException">The key holds a list.</exception>
    Task<CacheReadResult> GetAndTouchAsync();
}
