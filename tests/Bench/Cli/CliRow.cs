namespace CacheCluster.Bench.Cli;

/// <summary>One target's wall times over its calls, in milliseconds.</summary>
internal sealed record CliRow(string Target, int Calls, double MedianMs, double P95Ms, double MinMs, double MaxMs);
