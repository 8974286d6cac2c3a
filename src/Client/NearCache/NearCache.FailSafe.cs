namespace CacheCluster.NearCache;

/// <summary>The near cache's fail-safe copies: what stands in for the cluster while it cannot answer.</summary>
internal sealed partial class NearCache
{
    /// <summary>
    /// Keeps a value computed in this process while the cluster could not be reached: never served as fresh, only by
    /// <see cref="TryGetFailSafe"/> (so the next GetOrSet during the outage need not run the factory again), for at
    /// most <paramref name="bound"/> plus the fail-safe maximum. Kept only if nothing changed the key since
    /// <paramref name="marker"/> (<see cref="BeginRead"/>, taken before the factory ran): a value computed before this
    /// client's own remove must not stand in after it.
    /// </summary>
    public void KeepFailSafe(string key, object marker, CacheValue value, IReadOnlyList<string>? tags, TimeSpan? bound) =>
        KeepUntracked(key, marker, value, tags, bound, failSafeOnly: true);

    /// <summary>
    /// A copy to stand in while the cluster cannot answer: fresh, demoted or expired up to the fail-safe maximum. Its
    /// state says whether it is still fresh.
    /// </summary>
    public bool TryGetFailSafe(string key, out CacheReadResult result)
    {
        if (_entries.TryGetValue(key, out var entry) && _clock.GetUtcNow().UtcTicks - entry.ValidUntilTicks <= _failSafeTicks)
        {
            entry.Referenced = true;
            result = entry.Result;
            return true;
        }

        result = CacheReadResult.Missing;
        return false;
    }

    /// <summary>
    /// Stops serving every copy kept so far as fresh (the cluster was lost, so change notices may have been missed),
    /// and drops the reads in flight. The copies stay for fail-safe.
    /// </summary>
    public void Demote()
    {
        lock (_lock)
        {
            _pending.Clear();
            _generation++;
        }
    }
}
