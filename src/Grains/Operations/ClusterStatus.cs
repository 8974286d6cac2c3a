namespace CacheCluster.Operations;

/// <summary>The cluster's silos and their totals, as <c>GET /v1/cluster</c> returns them.</summary>
/// <param name="Silos">Every silo in the membership table, dead ones included, active first.</param>
/// <param name="Totals">The sums over the silos that answered.</param>
public sealed record ClusterStatus(IReadOnlyList<SiloReport> Silos, ClusterTotals Totals);
