using System.Collections.Concurrent;

namespace CacheCluster.Resilience;

/// <summary>
/// A short circuit per key: a key whose call timed out (its silo frozen or cut off while the others answer) is not
/// called again for the break, so its callers answer through the fallbacks at once instead of each waiting out
/// ClusterTimeout. The breaker for the whole client counts only streaks, which the other silos' answers break.
/// Bounded: past <c>capacity</c> keys it starts over.
/// </summary>
internal sealed class KeyCircuits(TimeSpan duration, TimeProvider clock, int capacity = 10_000)
{
    private readonly ConcurrentDictionary<string, long> _openUntil = new(StringComparer.Ordinal);

    public int Count => _openUntil.Count;

    public bool IsOpen(string key)
    {
        if (_openUntil.IsEmpty || !_openUntil.TryGetValue(key, out var until))
        {
            return false;
        }

        if (clock.GetTimestamp() < until)
        {
            return true;
        }

        // The break is over: the next call goes out, and closes or reopens the circuit.
        _openUntil.TryRemove(new KeyValuePair<string, long>(key, until));
        return false;
    }

    public void Open(string key)
    {
        if (_openUntil.Count >= capacity)
        {
            _openUntil.Clear();
        }

        _openUntil[key] = clock.GetTimestamp() + (long)(duration.TotalSeconds * clock.TimestampFrequency);
    }

    public void Close(string key)
    {
        if (!_openUntil.IsEmpty)
        {
            _openUntil.TryRemove(key, out _);
        }
    }
}
