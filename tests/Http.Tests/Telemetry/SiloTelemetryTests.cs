using System.Diagnostics;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;

namespace CacheCluster.Tests.Telemetry;

/// <summary>The silo's <c>CacheCluster:Telemetry:OtlpEndpoint</c>: checked with the HTTP API's options, and the trace export it turns on.</summary>
public sealed class SiloTelemetryTests
{
    [Fact]
    public void AddCacheClusterHttp_OtlpEndpointNotAnHttpUri_FailsNamingTheKey()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddCacheClusterHttp(Configuration("collector:4318")));

        Assert.StartsWith("CacheCluster:Telemetry:OtlpEndpoint must be an absolute http or https URI", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddCacheClusterHttp_OtlpEndpoint_ExportsCacheClusterSpansOverOtlpHttp()
    {
        await using var collector = OtlpListener.Start();
        using var services = new ServiceCollection().AddLogging().AddCacheClusterHttp(Configuration(collector.BaseAddress)).BuildServiceProvider();
        var tracer = services.GetRequiredService<TracerProvider>();
        var name = "silo-export-" + Guid.NewGuid().ToString("N");
        var exported = collector.WaitForAsync(r => r.Holds(name));

        // A span of the CacheCluster source, as the grains start them (another instance of the same name is heard alike).
        using (var source = new ActivitySource(CacheClusterDiagnostics.ActivitySourceName))
        using (source.StartActivity(name))
        {
        }

        Assert.True(tracer.ForceFlush(30_000));
        var request = await exported.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(("POST", "/v1/traces", "application/x-protobuf"), (request.Method, request.Path, request.ContentType));
        Assert.True(request.Holds("cachecluster-silo"), "the silo's service.name");
    }

    [Fact]
    public void AddCacheClusterHttp_NoOtlpEndpoint_NoTracerProvider()
    {
        using var services = new ServiceCollection().AddLogging().AddCacheClusterHttp(new ConfigurationBuilder().Build()).BuildServiceProvider();

        Assert.Null(services.GetService<TracerProvider>());
    }

    private static IConfiguration Configuration(string otlpEndpoint) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["CacheCluster:Telemetry:OtlpEndpoint"] = otlpEndpoint }).Build();
}
