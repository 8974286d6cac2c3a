namespace CacheCluster;

/// <summary>Names of the telemetry CacheCluster emits.</summary>
public static class CacheClusterDiagnostics
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> all CacheCluster instruments belong to.</summary>
    public const string MeterName = "CacheCluster";

    /// <summary>
    /// The name of the <see cref="System.Diagnostics.ActivitySource"/> of CacheCluster's spans, in the client and in the
    /// silo (for OpenTelemetry: <c>AddSource(CacheClusterDiagnostics.ActivitySourceName)</c>). Its spans carry a key's
    /// hash, never the key.
    /// </summary>
    public const string ActivitySourceName = "CacheCluster";
}
