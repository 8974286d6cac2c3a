namespace CacheCluster.Bench.Reporting;

/// <summary>
/// Issue 14: one figure of CacheCluster's HybridCache (<c>AddCacheClusterHybridCache</c>) beside Microsoft's HybridCache
/// (Redis L2), measured in the same run. <see cref="Ratio"/> is CacheCluster's figure divided by Microsoft's; whether
/// higher or lower is better is in <see cref="Better"/>. A figure that was not reached is null and
/// <see cref="Note"/> says why (and a bound on the ratio, if any).
/// </summary>
internal sealed record HybridComparisonRow(
    string Scenario,
    string Measure,
    string Unit,
    double? CacheCluster,
    double? Microsoft,
    double? Ratio,
    string Better,
    string? Note)
{
    public const string CacheClusterTarget = "CacheCluster HybridCache";

    public const string MicrosoftTarget = "HybridCache";

    /// <summary>Both figures known: the ratio is theirs.</summary>
    public static HybridComparisonRow Of(string scenario, string measure, string unit, double cacheCluster, double microsoft, string better, string? note = null) =>
        new(scenario, measure, unit, cacheCluster, microsoft, microsoft == 0 ? null : cacheCluster / microsoft, better, note);
}
