namespace CacheCluster.FaultLoad.Application.Report;

/// <summary>The calls of one operation that started in one phase.</summary>
/// <param name="Calls">Calls made.</param>
/// <param name="Failed">Calls that threw.</param>
/// <param name="FailedByType">Exception type name to count.</param>
/// <param name="Found">Reads that returned a value (TryGet only).</param>
/// <param name="Behind">Reads that returned a generation older than one the client knew of when they started.</param>
/// <param name="P50Ms">The median duration of all calls, failed ones included.</param>
/// <param name="P90Ms">The 90th percentile duration.</param>
/// <param name="P99Ms">The 99th percentile duration.</param>
/// <param name="MaxMs">The longest call.</param>
internal sealed record AppOperationFigures(long Calls, long Failed, Dictionary<string, long> FailedByType, long Found, long Behind, double P50Ms, double P90Ms, double P99Ms, double MaxMs);
