namespace CacheCluster.Operations;

/// <summary>
/// Entry operations per second over the last minute: a ring of 60 one-second counters stamped with their second.
/// Lock-free: a counter whose stamp is an older second is reset by the first caller of its new second.
/// </summary>
internal sealed class OperationRate(TimeProvider clock)
{
    /// <summary>The window the rate is averaged over, in seconds.</summary>
    public const int WindowSeconds = 60;

    private readonly long[] _counts = new long[WindowSeconds];
    private readonly long[] _seconds = new long[WindowSeconds];

    /// <summary>Counts one operation in the current second.</summary>
    public void Record()
    {
        var second = clock.GetUtcNow().ToUnixTimeSeconds();
        var slot = (int)(second % WindowSeconds);
        var stamp = Volatile.Read(ref _seconds[slot]);
        if (stamp != second)
        {
            // One caller moves the slot to this second and restarts its count; a count racing it may be lost (approximate).
            if (Interlocked.CompareExchange(ref _seconds[slot], second, stamp) == stamp)
            {
                Interlocked.Exchange(ref _counts[slot], 0);
            }
        }

        Interlocked.Increment(ref _counts[slot]);
    }

    /// <summary>Gets the operations of the last <see cref="WindowSeconds"/> whole seconds, the current one excluded.</summary>
    public long LastMinute() => LastSeconds(WindowSeconds);

    /// <summary>Gets the operations of the last <paramref name="seconds"/> whole seconds (at most <see cref="WindowSeconds"/>), the current one excluded.</summary>
    public long LastSeconds(int seconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seconds);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(seconds, WindowSeconds);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        long total = 0;
        for (var slot = 0; slot < WindowSeconds; slot++)
        {
            var second = Volatile.Read(ref _seconds[slot]);
            if (second < now && second >= now - seconds)
            {
                total += Volatile.Read(ref _counts[slot]);
            }
        }

        return total;
    }

    /// <summary>Gets the average operations per second over the last minute.</summary>
    public double PerSecond() => LastMinute() / (double)WindowSeconds;
}
