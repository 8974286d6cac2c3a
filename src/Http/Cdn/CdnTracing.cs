using System.Diagnostics;

namespace CacheCluster.Http.Cdn;

/// <summary>
/// The CDN purger's span (<see cref="CacheClusterTracing"/>): one request to one provider, over all its attempts, with
/// the provider, what it purges, how many items (<c>cachecluster.batch.size</c>) and how it ended.
/// </summary>
internal static class CdnTracing
{
    internal const string PurgeSpan = "cachecluster.cdn.purge";

    public static Activity? StartPurge(PurgeRequest purge)
    {
        var activity = CacheClusterTracing.Start(PurgeSpan, ActivityKind.Client);
        activity?.Tag("cachecluster.cdn.provider", purge.Provider);
        activity?.Tag("cachecluster.cdn.kind", purge.Kind);
        activity?.Tag(CacheClusterTracing.BatchSize, purge.Count);
        return activity;
    }

    /// <summary>Records the outcome (purged, failed) and the attempts it took; a failure marks the span failed.</summary>
    public static void End(Activity? activity, string outcome, int attempts)
    {
        activity?.Tag(CacheClusterTracing.Outcome, outcome);
        activity?.Tag("cachecluster.cdn.attempts", attempts);
        if (outcome == "failed")
        {
            activity?.SetStatus(ActivityStatusCode.Error, "purge failed");
        }
    }
}
