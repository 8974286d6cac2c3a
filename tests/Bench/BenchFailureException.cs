namespace CacheCluster.Bench;

/// <summary>A target returned wrong data or failed: the run reports no numbers and exits 1.</summary>
internal sealed class BenchFailureException(string message) : Exception(message);
