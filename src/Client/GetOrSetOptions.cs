using CacheCluster.Serialization;

namespace CacheCluster;

/// <summary>
/// How <see cref="IClusterCache.GetOrSetAsync{T}"/> reads, waits, computes and stores. Immutable: derive variants
/// with <c>with</c>.
/// </summary>
public sealed record GetOrSetOptions
{
    /// <summary>Gets the default options.</summary>
    public static GetOrSetOptions Default { get; } = new();

    /// <summary>
    /// Gets how a computed value is stored (its hard and soft expiry, tags), as <see cref="IClusterCache.SetAsync{T}"/>
    /// takes it; <see langword="null"/> for the client's <c>CacheClusterClientOptions.DefaultEntryOptions</c> (no expiry
    /// and no tags when those are not set either). A cached negative result keeps the tags and lives for
    /// <see cref="NegativeTimeToLive"/>.
    /// </summary>
    public CacheEntryOptions? Entry { get; init; }

    /// <summary>
    /// Gets a value indicating whether a stale value is returned at once while exactly one caller in the cluster
    /// refreshes it in the background (stale-while-revalidate). When false, callers wait for a fresh value.
    /// </summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool AllowStale { get; init; } = true;

    /// <summary>
    /// Gets the fraction of the fresh period after which one read refreshes a still-fresh value in the background,
    /// in (0, 1); <see langword="null"/> for no eager refresh.
    /// </summary>
    public double? EagerRefreshThreshold { get; init; }

    /// <summary>
    /// Gets a value indicating whether a failing source is answered with the stale value (while within its hard expiry)
    /// instead of an error, with further refreshes held back for <see cref="FailSafeThrottle"/> cluster-wide.
    /// </summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool FailSafe { get; init; } = true;

    /// <summary>Gets how long refreshes of a key are held back after one failed.</summary>
    /// <value>Default: 30 seconds.</value>
    public TimeSpan FailSafeThrottle { get; init; } = CacheLeaseRequest.DefaultFailSafeThrottle;

    /// <summary>Gets how long a lease lasts without a fill before it passes to the next caller.</summary>
    /// <value>Default: 10 seconds.</value>
    public TimeSpan LeaseTimeout { get; init; } = CacheLeaseRequest.DefaultLeaseTimeout;

    /// <summary>
    /// Gets how long a caller waits for another caller's fill before failing with <see cref="CacheLeaseWaitTimeoutException"/>;
    /// within it, a wait the cluster did not answer (the key's silo died) is asked again.
    /// </summary>
    /// <value>Default: 15 seconds.</value>
    public TimeSpan WaitTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Gets how long a lease holder that has a stale value waits for its factory before returning the stale value and
    /// letting the factory finish (and fill) in the background; <see langword="null"/> for no soft timeout.
    /// </summary>
    public TimeSpan? FactorySoftTimeout { get; init; }

    /// <summary>Gets how long a factory may run at all before it counts as failed; <see langword="null"/> for no limit.</summary>
    public TimeSpan? FactoryHardTimeout { get; init; }

    /// <summary>Gets what waiters get when the factory fails and no value exists: a turn at the lease, or the error.</summary>
    /// <value>Default: <see cref="CacheFillFailureMode.NextWaiterRetries"/>.</value>
    public CacheFillFailureMode FillFailureMode { get; init; }

    /// <summary>
    /// Gets a value indicating whether a factory result of <see langword="null"/> is cached (for
    /// <see cref="NegativeTimeToLive"/>) so the source is not asked again; otherwise nothing is stored.
    /// </summary>
    public bool CacheNegativeResults { get; init; }

    /// <summary>Gets how long a negative result is cached.</summary>
    /// <value>Default: 30 seconds.</value>
    public TimeSpan NegativeTimeToLive { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets a value indicating whether a fresh near copy of the key answers the call with no call to the cluster;
    /// <see langword="null"/> follows <c>NearCacheOptions.Enabled</c>. Stale values, leases and refreshes are always the
    /// cluster's: the near cache holds only fresh copies, each tracked by its entry, which tells this client once when
    /// the entry changes or is removed.
    /// </summary>
    /// <value>Default: <see langword="null"/>.</value>
    public bool? NearCacheRead { get; init; }

    /// <summary>
    /// Gets a value indicating whether the value this call obtains (a hit, its own fill, or a fill it waited for) is
    /// kept in the near cache, so that the next call is answered locally; <see langword="null"/> follows
    /// <c>NearCacheOptions.Enabled</c>. A value stored in the cluster is kept tracked (one more read registers this
    /// client with the entry); a value kept only locally (<see cref="ClusterWrite"/> off) is untracked and lives at most
    /// <see cref="NearCacheExpiration"/> or <c>NearCacheOptions.MaxTimeToLive</c>.
    /// </summary>
    /// <value>Default: <see langword="null"/>.</value>
    public bool? NearCacheWrite { get; init; }

    /// <summary>
    /// Gets the longest this call's near copy is used, in (0, 1 day]; <see langword="null"/> for
    /// <c>NearCacheOptions.MaxTimeToLive</c>. A near copy also never outlives that option, nor its entry's freshness.
    /// </summary>
    /// <value>Default: <see langword="null"/>.</value>
    public TimeSpan? NearCacheExpiration { get; init; }

    /// <summary>
    /// Gets a value indicating whether the cluster is asked for the value. When false, the call is answered from the
    /// near cache (when <see cref="NearCacheRead"/> allows) or by this caller's own factory run, with no lease: there is
    /// no cluster-wide single flight for such calls.
    /// </summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool ClusterRead { get; init; } = true;

    /// <summary>
    /// Gets a value indicating whether a computed value is stored in the cluster. When false, the factory runs for this
    /// caller alone (no lease) after a miss, and its value is kept, if at all, only in this client's near cache.
    /// </summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool ClusterWrite { get; init; } = true;

    /// <summary>
    /// Gets a value indicating whether the factory may run. When false, the call only reads (near cache, then cluster,
    /// as allowed) and returns <see langword="default"/> on a miss, taking no lease.
    /// </summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool RunFactory { get; init; } = true;

    /// <summary>
    /// Gets the serializer for this call's value; <see langword="null"/> for <c>CacheClusterClientOptions.Serializer</c>.
    /// Every reader of a key must use the same one.
    /// </summary>
    /// <value>Default: <see langword="null"/>.</value>
    public ICacheSerializer? Serializer { get; init; }

    /// <summary>Gets a value indicating whether the call takes the lease path (cluster read and write, factory allowed).</summary>
    internal bool UsesLease => ClusterRead && ClusterWrite && RunFactory;

    /// <summary>Gets the entry options a computed value is stored with.</summary>
    internal CacheEntryOptions EntryOptions => Entry ?? NoExpiry;

    /// <summary>Gets the entry options a negative result is stored with.</summary>
    internal CacheEntryOptions NegativeEntryOptions => new() { TimeToLive = NegativeTimeToLive, Tags = Entry?.Tags };

    private static CacheEntryOptions NoExpiry { get; } = new();

    private static TimeSpan MaxNearCacheExpiration { get; } = TimeSpan.FromDays(1);

    /// <summary>The lease part of these options, as the entry grain takes it, for one call that may wait <paramref name="wait"/>.</summary>
    internal CacheLeaseRequest LeaseRequest(TimeSpan wait) => new()
    {
        Wait = wait,
        LeaseTimeout = LeaseTimeout,
        AllowStale = AllowStale,
        EagerRefreshThreshold = EagerRefreshThreshold,
        FillFailureMode = FillFailureMode,
    };

    /// <summary>Checks the options.</summary>
    /// <exception cref="InvalidCacheOptionsException">A value is out of range or contradictory.</exception>
    public void Validate()
    {
        EntryOptions.Validate();
        new CacheEntryOptions { TimeToLive = NegativeTimeToLive }.Validate();
        LeaseRequest(TimeSpan.Zero).Validate();
        Check(WaitTimeout > TimeSpan.Zero && WaitTimeout <= TimeSpan.FromMinutes(10), $"{nameof(WaitTimeout)} must be greater than zero and at most 10 minutes (was {WaitTimeout}).");
        Check(
            NearCacheExpiration is null || (NearCacheExpiration > TimeSpan.Zero && NearCacheExpiration <= MaxNearCacheExpiration),
            $"{nameof(NearCacheExpiration)} must be greater than zero and at most 1 day (was {NearCacheExpiration}).");
        Check(FailSafeThrottle >= TimeSpan.Zero && FailSafeThrottle <= TimeSpan.FromDays(1), $"{nameof(FailSafeThrottle)} must be between 0 and 1 day (was {FailSafeThrottle}).");
        Check(FactorySoftTimeout is null || FactorySoftTimeout > TimeSpan.Zero, $"{nameof(FactorySoftTimeout)} must be greater than zero (was {FactorySoftTimeout}).");
        Check(FactoryHardTimeout is null || FactoryHardTimeout > TimeSpan.Zero, $"{nameof(FactoryHardTimeout)} must be greater than zero (was {FactoryHardTimeout}).");
        Check(
            FactorySoftTimeout is null || FactoryHardTimeout is null || FactorySoftTimeout <= FactoryHardTimeout,
            $"{nameof(FactorySoftTimeout)} ({FactorySoftTimeout}) must not be greater than {nameof(FactoryHardTimeout)} ({FactoryHardTimeout}).");
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidCacheOptionsException(message);
        }
    }
}
