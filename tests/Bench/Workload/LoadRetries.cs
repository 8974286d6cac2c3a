namespace CacheCluster.Bench.Workload;

/// <summary>
/// The writes of a loading phase, never of a measured one: a Set that timed out (the target did not answer in time; its
/// outcome is unknown) is sent again, at most <see cref="MaxRetries"/> times per key, since writing the same value once
/// more is idempotent. CacheCluster's client then refuses the key (and, after several timeouts in a row, every key) for
/// its breaker's duration (5 s by default): such a refusal counts as a retry too, and a key waits <see cref="RetryDelay"/>
/// before it is sent again. Every retry is counted, and the load's line prints the count, so that a run that needed them
/// says so. Any other failure, or a fourth timeout for one key, stops the run.
/// </summary>
internal sealed class LoadRetries(TimeProvider clock)
{
    /// <summary>The most times one key's Set is sent again after a timeout.</summary>
    public const int MaxRetries = 3;

    /// <summary>How long a key waits before it is sent again: past the client's key breaker (BreakerDuration, 5 s).</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(6);

    private int _count;

    /// <summary>Gets how many Sets were sent again.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>What the load's line adds: nothing when no Set was retried.</summary>
    public string Suffix => Count == 0 ? string.Empty : $"; {Count:N0} timed-out Sets sent again";

    /// <summary>Runs <paramref name="set"/>, again after a timeout, up to <see cref="MaxRetries"/> times.</summary>
    public async ValueTask SetAsync(Func<CancellationToken, ValueTask> set, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await set(cancellationToken);
                return;
            }
            catch (Exception ex) when (attempt < MaxRetries && TimedOut(ex) && !cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref _count);
            }

            await Task.Delay(RetryDelay, clock, cancellationToken);
        }
    }

    /// <summary>
    /// A timeout with an unknown outcome (CacheCluster's ClusterTimeout, or a peer's own), or CacheCluster's client
    /// refusing the call after such timeouts (its key or cluster breaker is open: the cluster was not called at all).
    /// </summary>
    private static bool TimedOut(Exception ex) => ex is TimeoutException or CacheClusterUnavailableException;
}
