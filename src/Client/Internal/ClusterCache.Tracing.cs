using System.Diagnostics;

namespace CacheCluster.Internal;

/// <summary>
/// The client's spans (<see cref="CacheClusterTracing"/>): one per GetOrSet, cluster read and write, each with the key's
/// hash; the grain calls beneath them are Orleans' spans, carried to the silo by its activity propagation.
/// </summary>
internal sealed partial class ClusterCache
{
    internal const string GetOrSetSpan = "cachecluster.get_or_set";
    internal const string GetSpan = "cachecluster.get";
    internal const string SetSpan = "cachecluster.set";
    internal const string RemoveSpan = "cachecluster.remove";
    internal const string IncrementSpan = "cachecluster.increment";

    /// <summary>GetOrSet answered from the near cache or the cluster without running the factory.</summary>
    internal const string OutcomeHit = "hit";

    /// <summary>GetOrSet ran the factory (under the fill lease, or without one) and stored its value.</summary>
    internal const string OutcomeMiss = "miss";

    /// <summary>GetOrSet answered a stale value and took the refresh lease: it refreshes in the background.</summary>
    internal const string OutcomeLease = "lease";

    /// <summary>GetOrSet waited in the grain for another caller's fill.</summary>
    internal const string OutcomeWait = "wait";

    /// <summary>The cluster failed or could not be trusted: GetOrSet answered from the near copy or its own factory.</summary>
    internal const string OutcomeFallback = "fallback";

    /// <summary>
    /// Sets the outcome of the GetOrSet span this call runs under. The decision is made deep in the lease loop, where
    /// <see cref="Activity.Current"/> is that span again after each awaited grain call; a later decision (a fallback
    /// after a failed fill) overwrites an earlier one.
    /// </summary>
    private static void GetOrSetOutcome(string outcome)
    {
        if (Activity.Current is { IsAllDataRequested: true } activity
            && ReferenceEquals(activity.Source, CacheClusterTracing.Source)
            && activity.OperationName == GetOrSetSpan)
        {
            activity.SetTag(CacheClusterTracing.Outcome, outcome);
        }
    }

    /// <summary>A read's outcome: hit (fresh or stale, <c>cachecluster.state</c>) or miss.</summary>
    private static void ReadOutcome(Activity? activity, CacheReadResult read)
    {
        if (activity is { IsAllDataRequested: true })
        {
            var hit = read.Value is not null && !read.Value.IsAbsent;
            activity.SetTag(CacheClusterTracing.Outcome, hit ? OutcomeHit : OutcomeMiss);
            if (hit)
            {
                activity.SetTag("cachecluster.state", read.State == CacheEntryState.Stale ? "stale" : "fresh");
            }
        }
    }
}
