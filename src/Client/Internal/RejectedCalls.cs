namespace CacheCluster.Internal;

/// <summary>
/// Sends again a call that the Orleans runtime refused to deliver (<see cref="OrleansMessageRejectionException"/>): no
/// grain ran it, so sending it again cannot apply anything twice. A silo that is shutting down refuses the calls that
/// still reach it this way ("Silo stopping"); the rejection also drops the caller's cached address of the grain, so
/// the next attempt reaches the grain's next activation. A few quick attempts, then the rejection stands.
/// </summary>
internal static class RejectedCalls
{
    private static readonly TimeSpan[] Delays = [TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(250)];

    /// <summary>The attempts that follow a first one the runtime refused: the same delays and count as <see cref="RetryAsync{T}"/>.</summary>
    public static async Task<T> RetryAfterRejectionAsync<T>(Func<Task<T>> call, TimeProvider clock, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            await Task.Delay(Delays[attempt], clock, cancellationToken).ConfigureAwait(false);
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (OrleansMessageRejectionException) when (attempt + 1 < Delays.Length && !cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    public static async Task<T> RetryAsync<T>(Func<Task<T>> call, TimeProvider clock, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (OrleansMessageRejectionException) when (attempt < Delays.Length && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(Delays[attempt], clock, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
