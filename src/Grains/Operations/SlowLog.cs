namespace CacheCluster.Operations;

/// <summary>
/// A silo's slow log: the most recent operations that took at least the threshold, in a bounded ring. An operation
/// under the threshold costs one comparison; only slow ones take the lock.
/// </summary>
internal sealed class SlowLog
{
    private readonly SlowOperation?[] _ring;
    private readonly Lock _lock = new();
    private readonly TimeProvider _clock;
    private readonly bool _includeKeys;
    private long _written;

    public SlowLog(TimeProvider clock, TimeSpan threshold, int maxLength, bool includeKeys)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);
        _clock = clock;
        Threshold = threshold;
        _includeKeys = includeKeys;
        _ring = new SlowOperation?[maxLength];
    }

    /// <summary>Gets the duration from which an operation is logged.</summary>
    public TimeSpan Threshold { get; }

    /// <summary>Gets how many operations were logged since the silo started, those given way included.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Logs the operation if it took at least <see cref="Threshold"/>; returns whether it did.</summary>
    public bool Record(string operation, string key, TimeSpan duration, string phase)
    {
        if (duration < Threshold)
        {
            return false;
        }

        var entry = new SlowOperation(operation, _includeKeys ? key : CacheKey.Hash(key), duration.TotalMilliseconds, phase, _clock.GetUtcNow());
        lock (_lock)
        {
            _ring[_written % _ring.Length] = entry;
            _written++;
        }

        return true;
    }

    /// <summary>Gets up to <paramref name="count"/> logged operations, the most recent first.</summary>
    public IReadOnlyList<SlowOperation> Recent(int count)
    {
        lock (_lock)
        {
            var taken = (int)Math.Min(Math.Min(count, _ring.Length), _written);
            var recent = new List<SlowOperation>(Math.Max(taken, 0));
            for (var i = 0; i < taken; i++)
            {
                recent.Add(_ring[(_written - 1 - i) % _ring.Length]!);
            }

            return recent;
        }
    }
}
