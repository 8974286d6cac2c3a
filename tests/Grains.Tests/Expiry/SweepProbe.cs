using CacheCluster.Expiry;

namespace CacheCluster.Tests.Expiry;

/// <summary>
/// A sweep registered after the silo's own: when it is called with a time, every sweep before it in the same round of
/// the silo's <see cref="ExpiryService"/> has run with that same time.
/// </summary>
internal sealed class SweepProbe : IExpirySweep
{
    private readonly List<(DateTimeOffset AtLeast, TaskCompletionSource<DateTimeOffset> Done)> _waiters = [];
    private readonly Lock _lock = new();
    private int _rounds;

    /// <summary>Gets how many rounds the silo's expiry loop has run so far.</summary>
    public int Rounds => Volatile.Read(ref _rounds);

    /// <summary>Arms a wait for a round whose time is at least <paramref name="atLeast"/>; completes with that time.</summary>
    public Task<DateTimeOffset> WaitForRoundAt(DateTimeOffset atLeast)
    {
        var done = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waiters.Add((atLeast, done));
        }

        return done.Task;
    }

    public Task SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _rounds);
        lock (_lock)
        {
            foreach (var waiter in _waiters.Where(w => w.AtLeast <= now).ToList())
            {
                waiter.Done.TrySetResult(now);
                _waiters.Remove(waiter);
            }
        }

        return Task.CompletedTask;
    }
}
