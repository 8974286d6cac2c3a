namespace CacheCluster.Eviction;

/// <summary>
/// Decides when the silo should collect its heap and give memory back to the OS: once a collection sweep (Orleans'
/// idle collection, or an eviction) has released many entry activations and has finished.
/// </summary>
/// <remarks>
/// Without it the freed activations stay in the process's resident memory until a full collection happens to run,
/// which an idle silo may not do for a long time (measured: about 3.5 KB per released entry). One full background
/// collection after a large sweep, at most once per <see cref="MinInterval"/>, lets RSS follow the heap.
/// Pure state on the caller's clock; <see cref="SweepCompactionService"/> samples it.
/// </remarks>
internal sealed class SweepCompaction
{
    /// <summary>The fewest activations a sweep must release to be worth a compaction.</summary>
    public const int MinReleased = 10_000;

    /// <summary>The least time between two compactions.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(30);

    private int _peak;
    private int _last = -1;
    private DateTimeOffset _lastCompaction = DateTimeOffset.MinValue;

    /// <summary>
    /// Takes a sample of the active entry count; returns <see langword="true"/> when a compaction should run now: at
    /// least <see cref="MinReleased"/> activations (and a quarter of the peak) went since the last one, the count has
    /// stopped falling since the previous sample (the sweep is over), and <see cref="MinInterval"/> has passed.
    /// </summary>
    public bool Sample(int active, DateTimeOffset now)
    {
        _peak = Math.Max(_peak, active);
        var settled = _last >= 0 && active >= _last - (_peak / 100);
        _last = active;
        var released = _peak - active;
        if (!settled || released < Math.Max(MinReleased, _peak / 4) || now - _lastCompaction < MinInterval)
        {
            return false;
        }

        _peak = active;
        _lastCompaction = now;
        return true;
    }
}
