namespace CacheCluster.Diagnostics;

/// <summary>
/// The silo's running totals since it started, kept beside the meter's instruments so that the cluster status and the
/// hit-ratio gauge can read them (a meter's counters cannot be read back). Lock-free.
/// </summary>
internal sealed class SiloCounters
{
    private readonly long[] _pending = new long[IInvalidationStreamGrain.Partitions];
    private readonly long[] _oldestPendingTicks = new long[IInvalidationStreamGrain.Partitions];
    private long _hits;
    private long _misses;
    private long _evictions;
    private long _rateLimitAllowed;
    private long _rateLimitLimited;

    public SiloCounters() => Array.Fill(_pending, -1);

    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    public long Evictions => Interlocked.Read(ref _evictions);

    public long RateLimitAllowed => Interlocked.Read(ref _rateLimitAllowed);

    public long RateLimitLimited => Interlocked.Read(ref _rateLimitLimited);

    /// <summary>Gets hits ÷ (hits + misses) since the silo started, or <see langword="null"/> before the first read.</summary>
    public double? HitRatio
    {
        get
        {
            var hits = Hits;
            var reads = hits + Misses;
            return reads == 0 ? null : hits / (double)reads;
        }
    }

    public void Hit() => Interlocked.Increment(ref _hits);

    public void Miss() => Interlocked.Increment(ref _misses);

    public void Evicted(int count) => Interlocked.Add(ref _evictions, count);

    public void RateLimitDecided(bool allowed) => Interlocked.Increment(ref allowed ? ref _rateLimitAllowed : ref _rateLimitLimited);

    /// <summary>Records what a stream partition active on this silo has accepted but not yet applied.</summary>
    public void SetPending(int partition, int count, DateTimeOffset? oldestAcceptedAt)
    {
        if ((uint)partition >= (uint)_pending.Length)
        {
            return;
        }

        Volatile.Write(ref _oldestPendingTicks[partition], oldestAcceptedAt?.UtcTicks ?? 0);
        Volatile.Write(ref _pending[partition], count);
    }

    /// <summary>Gets, per partition that has reported on this silo, the pending events and the oldest one's acceptance time.</summary>
    public IReadOnlyList<(int Partition, long Pending, DateTimeOffset? OldestAcceptedAt)> Pending()
    {
        var result = new List<(int, long, DateTimeOffset?)>();
        for (var partition = 0; partition < _pending.Length; partition++)
        {
            var ticks = Volatile.Read(ref _oldestPendingTicks[partition]);
            var pending = Volatile.Read(ref _pending[partition]);
            if (pending < 0)
            {
                continue;
            }

            result.Add((partition, pending, ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero)));
        }

        return result;
    }
}
