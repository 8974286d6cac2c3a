using System.ComponentModel;

namespace CacheCluster;

/// <summary>A read-for-fill: how long to wait for someone else's fill, and when to hand this caller a lease.</summary>
/// <remarks>Wire protocol between CacheCluster's client and silos; not for application code.</remarks>
[GenerateSerializer, Immutable, Alias("cachecluster.lease-request")]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record CacheLeaseRequest
{
    /// <summary>The default time a lease lasts without a fill: 10 seconds.</summary>
    public static readonly TimeSpan DefaultLeaseTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The default time a refresh is throttled after it failed: 30 seconds.</summary>
    public static readonly TimeSpan DefaultFailSafeThrottle = TimeSpan.FromSeconds(30);

    /// <summary>The longest one call may wait inside the grain; longer waits are made of several calls.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    /// <summary>Gets how long this call may wait for another caller's fill before it returns empty-handed.</summary>
    [Id(0)]
    public TimeSpan Wait { get; init; }

    /// <summary>Gets how long a lease granted to this caller lasts; <see langword="null"/> for <see cref="DefaultLeaseTimeout"/>.</summary>
    [Id(1)]
    public TimeSpan? LeaseTimeout { get; init; }

    /// <summary>Gets a value indicating whether a stale value may be returned (and refreshed in the background).</summary>
    [Id(2)]
    public bool AllowStale { get; init; } = true;

    /// <summary>
    /// Gets the fraction of the fresh period after which a read of a still-fresh value grants a refresh lease,
    /// in (0, 1); <see langword="null"/> for no eager refresh.
    /// </summary>
    [Id(3)]
    public double? EagerRefreshThreshold { get; init; }

    /// <summary>Gets what waiters get when the holder fails and there is no value to fall back on.</summary>
    [Id(4)]
    public CacheFillFailureMode FillFailureMode { get; init; }

    /// <summary>
    /// Gets the reader's near cache, registered with the entry when the answer is a hit (as
    /// <see cref="ICacheEntryGrain.GetTrackedAsync"/> does), so that the hit can be kept near without a second read;
    /// <see langword="null"/> for an untracked lookup.
    /// </summary>
    [Id(5)]
    public INearCacheObserver? Tracker { get; init; }

    /// <summary>Checks the request.</summary>
    /// <exception cref="InvalidCacheOptionsException">A value is out of range.</exception>
    public void Validate()
    {
        if (Wait < TimeSpan.Zero || Wait > MaxWait)
        {
            throw new InvalidCacheOptionsException($"{nameof(Wait)} must be between 0 and {MaxWait.TotalSeconds:0} seconds (was {Wait}).");
        }

        if (LeaseTimeout is { } lease && (lease <= TimeSpan.Zero || lease > TimeSpan.FromHours(1)))
        {
            throw new InvalidCacheOptionsException($"{nameof(LeaseTimeout)} must be greater than zero and at most 1 hour (was {lease}).");
        }

        if (EagerRefreshThreshold is { } threshold && (double.IsNaN(threshold) || threshold <= 0 || threshold >= 1))
        {
            throw new InvalidCacheOptionsException($"{nameof(EagerRefreshThreshold)} must be between 0 and 1, exclusive (was {threshold}).");
        }

        if (!Enum.IsDefined(FillFailureMode))
        {
            throw new InvalidCacheOptionsException($"{nameof(FillFailureMode)} {FillFailureMode} is not defined.");
        }
    }
}
