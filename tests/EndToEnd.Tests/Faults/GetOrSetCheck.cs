using CacheCluster.FaultLoad.Recording;

namespace CacheCluster.Tests.Faults;

/// <summary>
/// Holds the load clients' GetOrSet keys to README's promise: the factory runs once per key for the whole cluster
/// ("the database is called once"), and a membership change adds at most one run per key it touches: the lease that
/// died with its silo's activation passes to one waiter, or (the caveat of two activations for a moment) a second
/// activation grants one more lease. A key is touched by a change when its round's calls could be in flight during it:
/// the round (<c>gos:{round}:{slot}</c>) starts before the change ends and ends less than <see cref="InFlight"/>
/// before the change starts.
/// </summary>
internal static class GetOrSetCheck
{
    /// <summary>How long after its round a key's calls may still be running: the 200 ms factory and a few turns, with room.</summary>
    private static readonly TimeSpan InFlight = TimeSpan.FromSeconds(1);

    /// <param name="reports">The load clients' results.</param>
    /// <param name="changes">The membership changes, from their start to when the cluster had taken them in.</param>
    /// <returns>The keys, and the most factory runs of any key.</returns>
    public static (int Keys, long MostRuns) Verify(IReadOnlyList<LoadReport> reports, params MembershipChange[] changes)
    {
        var roundMs = reports.Select(report => report.GetOrSetRoundMs).Distinct().Single();
        Assert.True(roundMs > 0, "The load clients did not report their GetOrSet round.");
        var keys = reports.SelectMany(report => report.GetOrSet)
            .GroupBy(key => key.Key, StringComparer.Ordinal)
            .Select(key =>
            {
                var round = long.Parse(key.Key.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
                var (start, end) = (round * roundMs, (round + 1) * roundMs);
                var touching = changes.Count(change => change.Overlaps(start, end + (long)InFlight.TotalMilliseconds));
                return (Key: key.Key, Runs: key.Sum(k => k.FactoryRuns), Bound: 1 + touching, Asked: key.Sum(k => k.Completed + k.Failed));
            })
            .ToList();

        Assert.NotEmpty(keys);
        var wrong = keys.Where(key => key.Runs > key.Bound || (key.Runs == 0 && key.Asked > 0 && key.Bound == 1)).ToList();
        Assert.True(
            wrong.Count == 0,
            "GetOrSet keys whose factory ran other than once (plus one per membership change during their round):\n" +
            string.Join("\n", wrong.Select(key => $"  {key.Key}: {key.Runs} runs for {key.Asked} calls, bound {key.Bound}")));
        return (keys.Count, keys.Max(key => key.Runs));
    }
}
