namespace CacheCluster.Resilience;

/// <summary>
/// What the client does when the cluster is unreachable, slow or failing (<c>CacheCluster:Resilience</c>): the circuit
/// breaker, and the failure mode of reads, sets and removes. GetOrSet never fails because of the cache.
/// </summary>
public sealed class CacheClusterResilienceOptions
{
    /// <summary>Gets or sets how many consecutive failed or timed-out calls open the circuit breaker.</summary>
    /// <value>Default: 5.</value>
    public int BreakerThreshold { get; set; } = 5;

    /// <summary>
    /// Gets or sets how long an open breaker answers through the fallbacks without calling the cluster; then one call
    /// probes, and its success closes the breaker.
    /// </summary>
    /// <value>Default: 5 seconds.</value>
    public TimeSpan BreakerDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how long past its expiry a near copy may stand in for the cluster's answer in GetOrSet while the
    /// cluster is unreachable (fail-safe).
    /// </summary>
    /// <value>Default: 1 hour.</value>
    public TimeSpan FailSafeMaxDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets what a read (TryGet, Exists) does when the cluster cannot be reached.</summary>
    /// <value>Default: <see cref="CacheReadFailureMode.Miss"/> (counted and logged).</value>
    public CacheReadFailureMode ReadFailureMode { get; set; } = CacheReadFailureMode.Miss;

    /// <summary>Gets or sets what a Set does when the cluster cannot be reached.</summary>
    /// <value>Default: <see cref="CacheWriteFailureMode.Throw"/>: the caller knows the value is not there.</value>
    public CacheWriteFailureMode SetFailureMode { get; set; } = CacheWriteFailureMode.Throw;

    /// <summary>
    /// Gets or sets what a Remove or an invalidation does when the cluster cannot be reached. Either way it is kept
    /// and applied when the cluster is back (removes are never lost); <see cref="CacheWriteFailureMode.Throw"/> also
    /// tells the caller.
    /// </summary>
    /// <value>Default: <see cref="CacheWriteFailureMode.Throw"/>.</value>
    public CacheWriteFailureMode RemoveFailureMode { get; set; } = CacheWriteFailureMode.Throw;

    /// <summary>Gets or sets how many queued writes (one per key, the newest wins) are kept for when the cluster is back.</summary>
    /// <value>Default: 10,000.</value>
    public int MaxQueuedWrites { get; set; } = 10_000;
}
