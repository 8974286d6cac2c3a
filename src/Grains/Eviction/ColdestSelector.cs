namespace CacheCluster.Eviction;

/// <summary>
/// Picks the <c>count</c> least recently used candidates in two linear passes and no sort: the first counts candidates
/// per age bucket (<see cref="Recency"/>), which gives the age from which every candidate goes; the second takes those,
/// and at that cut-off age as many as are still needed, in enumeration order. Not thread-safe: one per caller.
/// </summary>
internal sealed class ColdestSelector
{
    private readonly int[] _histogram = new int[Recency.Buckets];

    /// <summary>Returns up to <paramref name="count"/> of the oldest candidates; <paramref name="candidates"/> is enumerated twice.</summary>
    /// <param name="candidates">The candidates; changes between the two passes only make the choice less exact.</param>
    /// <param name="lastUsed">A candidate's recency stamp, or <see langword="null"/> when it may not go now.</param>
    /// <param name="nowStamp">The stamp of now.</param>
    /// <param name="count">How many to pick.</param>
    public List<T> Select<T>(IEnumerable<T> candidates, Func<T, int?> lastUsed, int nowStamp, int count)
    {
        var chosen = new List<T>(Math.Min(count, 4096));
        if (count <= 0)
        {
            return chosen;
        }

        Array.Clear(_histogram);
        foreach (var candidate in candidates)
        {
            if (lastUsed(candidate) is { } stamp)
            {
                _histogram[Recency.AgeBucket(nowStamp, stamp)]++;
            }
        }

        var (cutoff, atCutoff) = Cutoff(_histogram, count);
        if (cutoff < 0)
        {
            return chosen;
        }

        foreach (var candidate in candidates)
        {
            if (chosen.Count == count)
            {
                break;
            }

            if (lastUsed(candidate) is not { } stamp)
            {
                continue;
            }

            var bucket = Recency.AgeBucket(nowStamp, stamp);
            if (bucket > cutoff || (bucket == cutoff && atCutoff-- > 0))
            {
                chosen.Add(candidate);
            }
        }

        return chosen;
    }

    /// <summary>
    /// The oldest age bucket that, with every older one, holds at least <paramref name="count"/> candidates (or the
    /// youngest non-empty one when there are fewer), and how many to take from it; (-1, 0) when there are none.
    /// </summary>
    internal static (int Cutoff, int AtCutoff) Cutoff(ReadOnlySpan<int> histogram, int count)
    {
        var taken = 0;
        var cutoff = -1;
        for (var bucket = histogram.Length - 1; bucket >= 0 && taken < count; bucket--)
        {
            if (histogram[bucket] > 0)
            {
                cutoff = bucket;
                taken += histogram[bucket];
            }
        }

        return cutoff < 0 ? (-1, 0) : (cutoff, histogram[cutoff] - Math.Max(0, taken - count));
    }
}
