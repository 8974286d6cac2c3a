namespace CacheCluster.Http.Cdn;

/// <summary>A CDN: turns invalidations into its purge requests.</summary>
internal interface ICdnPurgeTarget
{
    string Name { get; }

    /// <summary>Gets the minimum spacing between two requests (the plan's rate limit), or zero.</summary>
    TimeSpan Spacing { get; }

    IEnumerable<PurgeRequest> Plan(IReadOnlyList<string> keys, IReadOnlyList<string> tags, IReadOnlyList<string> patterns);

    IEnumerable<PurgeRequest> PlanPurgeAll();
}
