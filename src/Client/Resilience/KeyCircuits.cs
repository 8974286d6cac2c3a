using System.Collections.Concurrent;

namespace CacheCluster.Resilience;

/// <summary>
/// A short circuit per key: a key whose calls timed out twice in a row (its silo frozen or cut off while the others
/// answer) is not called again for the break, so its callers answer through the fallbacks at once instead of each
/// waiting out ClusterTimeout. One slow call (a cold start) is not enough, and calls that were in flight together
/// (to a silo that then crashed: Orleans does not fail them, they time out) count once: the second strike must be a
/// call sent after the first timed out. The breaker for the whole client counts only streaks, which the other silos'
/// answers break. Bounded: past <c>capacity</c> keys it starts over.
/// </summary>
internal sealed class KeyCircuits(TimeSpan duration, TimeProvider clock, int capacity = 10_000)
{
    /// <summary>Timeouts in a row that open a key's circuit.</summary>
    public const int Strikes = 2;

    private readonly ConcurrentDictionary<string, long> _openUntil = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (int Count, long At)> _strikes = new(StringComparer.Ordinal);

    // Set by the first timeout and never cleared: until then no key can be struck or open.
    private bool _struck;

    public int Count => _openUntil.Count;

    public bool IsOpen(string key)
    {
        // Per call: one volatile read until a call ever times out, then lock-free lookups. (ConcurrentDictionary's
        // IsEmpty takes every lock when the dictionary is empty: contended by every caller, per call.)
        if (!Volatile.Read(ref _struck) || !_openUntil.TryGetValue(key, out var until))
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

    /// <summary>A call of the key, sent at <paramref name="sentAt"/>, timed out: the second in a row opens its circuit.</summary>
    public void Open(string key, long sentAt)
    {
        Volatile.Write(ref _struck, true);
        if (_strikes.Count >= capacity && !_strikes.ContainsKey(key))
        {
            _strikes.Clear();
        }

        var now = clock.GetTimestamp();
        var strikes = _strikes.AddOrUpdate(
            key,
            static (_, state) => (1, state.Now),
            static (_, current, state) => state.SentAt > current.At ? (current.Count + 1, state.Now) : current,
            (SentAt: sentAt, Now: now));
        if (strikes.Count < Strikes)
        {
            return;
        }

        if (_openUntil.Count >= capacity && !_openUntil.ContainsKey(key))
        {
            _openUntil.Clear();
        }

        _openUntil[key] = now + (long)(duration.TotalSeconds * clock.TimestampFrequency);
    }

    /// <summary>A call of the key was answered.</summary>
    public void Close(string key)
    {
        if (!Volatile.Read(ref _struck))
        {
            return;
        }

        if (_strikes.ContainsKey(key))
        {
            _strikes.TryRemove(key, out _);
        }

        if (_openUntil.ContainsKey(key))
        {
            _openUntil.TryRemove(key, out _);
        }
    }
}
