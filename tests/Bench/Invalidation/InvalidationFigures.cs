namespace CacheCluster.Bench.Invalidation;

/// <summary>
/// S6's domain-event samples in ms (publish → all tagged entries invalidated, → subscriber notified, and → notified
/// for a one-entry event), each sorted.
/// </summary>
internal sealed record InvalidationFigures(IReadOnlyList<double> AppliedMs, IReadOnlyList<double> NotifiedMs, IReadOnlyList<double> SingleMs);
