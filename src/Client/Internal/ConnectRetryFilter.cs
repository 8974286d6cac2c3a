namespace CacheCluster.Internal;

/// <summary>Retries connecting to the cluster until <c>giveUpAfter</c> has passed since the first failure.</summary>
internal sealed class ConnectRetryFilter(TimeSpan giveUpAfter, TimeProvider clock) : IClientConnectionRetryFilter
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);
    private long _firstFailure;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _firstFailure, clock.GetTimestamp(), 0) != 0
            && clock.GetElapsedTime(Volatile.Read(ref _firstFailure)) >= giveUpAfter)
        {
            return false;
        }

        await Task.Delay(RetryDelay, clock, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
