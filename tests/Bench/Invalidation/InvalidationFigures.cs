namespace CacheCluster.Bench.Invalidation;

/// <summary>
/// The <c>invalidation</c> measurement: its Markdown report and the samples in ms (publish → all tagged entries
/// invalidated, → subscriber notified, and → notified for a one-entry event), each sorted.
/// </summary>
internal sealed record InvalidationFigures(string Report, IReadOnlyList<double> AppliedMs, IReadOnlyList<double> NotifiedMs, IReadOnlyList<double> SingleMs);
