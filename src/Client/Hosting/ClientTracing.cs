using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;

namespace CacheCluster.Hosting;

/// <summary>
/// The client's trace export: CacheCluster's spans and Orleans' grain-call spans, in the application's tracer provider
/// (<c>AddOpenTelemetry</c> makes one per host), to <see cref="CacheClusterTelemetryOptions.OtlpEndpoint"/> over
/// OTLP/HTTP (protobuf).
/// </summary>
internal static class ClientTracing
{
    /// <summary>Registered once; the endpoint is read when the tracer provider is built, so the last call's value wins.</summary>
    public static void AddOtlp(IServiceCollection services, CacheClusterClientOptions options) =>
        services.AddOpenTelemetry().WithTracing(tracing => tracing
            .AddSource(CacheClusterDiagnostics.ActivitySourceName, ActivitySources.ApplicationGrainActivitySourceName)
            .AddProcessor(new GrainIdRedaction())
            .AddOtlpExporter(otlp =>
            {
                otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
                if (OtlpEndpoint.TracesUri(options.Telemetry.OtlpEndpoint ?? string.Empty) is { } traces)
                {
                    otlp.Endpoint = traces;
                }
            }));
}
