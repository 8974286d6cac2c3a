using CacheCluster.Hosting;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;

namespace CacheCluster.Http.Hosting;

/// <summary>
/// The silo's trace export, on the same OpenTelemetry builder as its Prometheus metrics: when
/// <c>CacheCluster:Telemetry:OtlpEndpoint</c> is set, CacheCluster's spans and Orleans' grain-call spans go to that
/// collector over OTLP/HTTP (protobuf). Nothing listens otherwise, so no span is even started.
/// </summary>
internal static class TelemetryTracing
{
    /// <summary>The configuration section of <see cref="CacheClusterTelemetryOptions"/>.</summary>
    public const string SectionName = "CacheCluster:Telemetry";

    /// <summary>The service name the silo's spans carry (<c>service.name</c>), unless OTEL_SERVICE_NAME says otherwise.</summary>
    public const string ServiceName = "cachecluster-silo";

    public static void AddOtlp(IOpenTelemetryBuilder builder, CacheClusterTelemetryOptions? options)
    {
        if (options?.OtlpEndpoint is not { } endpoint || OtlpEndpoint.TracesUri(endpoint) is not { } traces)
        {
            return;
        }

        builder.WithTracing(tracing => tracing
            .ConfigureResource(resource => resource.AddService(Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") ?? ServiceName))
            .AddSource(CacheClusterDiagnostics.ActivitySourceName, ActivitySources.ApplicationGrainActivitySourceName)
            .AddProcessor(new GrainIdRedaction())
            .AddOtlpExporter(otlp =>
            {
                otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
                otlp.Endpoint = traces;
            }));
    }
}
