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
    /// takes it; <see langword="null"/> for no expiry and no tags. A cached negative result keeps the tags and lives for
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

    /// <summary>Gets the entry options a computed value is stored with.</summary>
    internal CacheEntryOptions EntryOptions => Entry ?? NoExpiry;

    /// <summary>Gets the entry options a negative result is stored with.</summary>
    internal CacheEntryOptions NegativeEntryOptions => new() { TimeToLive = NegativeTimeToLive, Tags = Entry?.Tags };

    private static CacheEntryOptions NoExpiry { get; } = new();

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
