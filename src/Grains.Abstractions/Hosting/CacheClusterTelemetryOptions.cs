namespace CacheCluster.Hosting;

/// <summary>
/// Where a silo or a client exports its traces, bound from <c>CacheCluster:Telemetry</c> on both. Nothing is exported
/// while <see cref="OtlpEndpoint"/> is not set; the spans are still there for any listener of
/// <see cref="CacheClusterDiagnostics.ActivitySourceName"/> the application adds itself.
/// </summary>
public sealed class CacheClusterTelemetryOptions
{
    /// <summary>
    /// Gets or sets the OpenTelemetry collector that receives the traces over OTLP (HTTP/protobuf), as an absolute
    /// <c>http</c> or <c>https</c> URI: a base address such as <c>http://collector:4318</c> (the traces go to
    /// <c>/v1/traces</c> under it) or the full traces URI. When set, the spans of
    /// <see cref="CacheClusterDiagnostics.ActivitySourceName"/> and of Orleans' grain calls
    /// (<c>Microsoft.Orleans.Application</c>) are exported.
    /// </summary>
    /// <value>Default: <see langword="null"/> (no export).</value>
    public string? OtlpEndpoint { get; set; }
}
