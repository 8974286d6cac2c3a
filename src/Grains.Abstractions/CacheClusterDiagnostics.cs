namespace CacheCluster;

/// <summary>Names of the telemetry CacheCluster emits.</summary>
public static class CacheClusterDiagnostics
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> all CacheCluster instruments belong to.</summary>
    public const string MeterName = "CacheCluster";
}
