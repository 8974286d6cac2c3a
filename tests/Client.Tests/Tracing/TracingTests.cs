using System.Diagnostics;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;

namespace CacheCluster.Tests.Tracing;

/// <summary>
/// Traces: one GetOrSet miss is one trace from the application's span through the client, Orleans' grain calls and the
/// entry grain down to the storage commit; the client's OTLP export reaches a collector.
/// </summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class TracingTests(MemoryClusterFixture fixture)
{
    private const string RootName = "tracing-test.request";
    private static readonly ActivitySource Application = new("CacheCluster.Tests.Tracing");

    [Fact]
    public async Task GetOrSet_Miss_IsOneConnectedTraceFromTheApplicationToTheStorageCommit()
    {
        var spans = new LockedCollection<Activity>();
        using var tracer = Sdk.CreateTracerProviderBuilder()
            .SetSampler(new OneTraceSampler(RootName))
            .AddSource(Application.Name, CacheClusterDiagnostics.ActivitySourceName, ActivitySources.ApplicationGrainActivitySourceName)
            .AddProcessor(new GrainIdRedaction())
            .AddInMemoryExporter(spans)
            .Build();
        var key = CacheTestCluster.NewKey("trace");
        var computed = 0;

        ActivityTraceId traceId;
        ActivitySpanId rootId;
        using (var request = Application.StartActivity(RootName))
        {
            Assert.NotNull(request);
            traceId = request.TraceId;
            rootId = request.SpanId;
            var value = await fixture.Cluster.Cache.GetOrSetAsync(key, _ =>
            {
                computed++;
                return Task.FromResult<string?>("computed");
            });
            Assert.Equal("computed", value);
        }

        Assert.Equal(1, computed);
        var trace = spans.Where(s => s.TraceId == traceId).ToList();
        var byId = trace.ToDictionary(s => s.SpanId);
        Activity Parent(Activity span) => byId[span.ParentSpanId];
        Activity Single(string name) => Assert.Single(trace, s => s.OperationName == name);

        // Connected: every span but the application's has its parent in the same trace.
        Assert.All(trace.Where(s => s.SpanId != rootId), s => Assert.True(byId.ContainsKey(s.ParentSpanId), $"{s.OperationName} has no parent in the trace"));

        // The client's span, under the application's, says what GetOrSet came to.
        var getOrSet = Single("cachecluster.get_or_set");
        Assert.Equal(rootId, getOrSet.ParentSpanId);
        Assert.Equal("miss", getOrSet.GetTagItem("cachecluster.outcome"));
        Assert.Equal(CacheKey.Hash(key), getOrSet.GetTagItem("cachecluster.key.hash"));

        // The lookup crossed to the silo: Orleans' client span, its server span in the grain, then the grain's own span.
        var lookup = Single("cachecluster.entry.get_or_lease");
        Assert.Equal("lease", lookup.GetTagItem("cachecluster.outcome"));
        var lookupServer = Parent(lookup);
        Assert.Equal((ActivityKind.Server, ActivitySources.ApplicationGrainActivitySourceName), (lookupServer.Kind, lookupServer.Source.Name));
        var lookupClient = Parent(lookupServer);
        Assert.Equal((ActivityKind.Client, ActivitySources.ApplicationGrainActivitySourceName), (lookupClient.Kind, lookupClient.Source.Name));
        Assert.Equal(getOrSet.SpanId, lookupClient.ParentSpanId);

        // The fill went the same way, down to the entry store's commit.
        var write = Single("cachecluster.entry.write");
        Assert.Equal(CacheKey.Hash(key), write.GetTagItem("cachecluster.key.hash"));
        Assert.NotNull(write.GetTagItem("cachecluster.partition"));
        Assert.Equal("written", write.GetTagItem("cachecluster.outcome"));
        Assert.Equal(getOrSet.SpanId, Parent(Parent(write)).ParentSpanId);
        var commit = Single("cachecluster.storage.commit");
        Assert.Equal(write.SpanId, commit.ParentSpanId);
        Assert.Equal(1, commit.GetTagItem("cachecluster.batch.size"));

        // The key itself is nowhere: not in a CacheCluster attribute, not in Orleans' grain ids.
        Assert.All(trace, s => Assert.DoesNotContain(s.TagObjects, tag => tag.Value?.ToString()?.Contains(key, StringComparison.Ordinal) == true));
        Assert.Contains(trace, s => s.GetTagItem("orleans.rpc.target_id") is string id && id.EndsWith("#" + CacheKey.Hash(key), StringComparison.Ordinal));
    }

    [Fact]
    public async Task ClientOptions_OtlpEndpoint_ExportsTheClientsSpansOverOtlpHttp()
    {
        await using var collector = OtlpListener.Start();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddCacheClusterClient(options =>
        {
            // No silo: the client stays unconnected, and GetOrSet falls back to its factory, under its span all the same.
            options.Gateways.Add($"127.0.0.1:{LoopbackPorts.Next()}");
            options.Telemetry.OtlpEndpoint = collector.BaseAddress;
        });
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var key = CacheTestCluster.NewKey("otlp");
            var exported = collector.WaitForAsync(r => r.Holds("cachecluster.get_or_set") && r.Holds(CacheKey.Hash(key)));

            var value = await host.Services.GetRequiredService<IClusterCache>().GetOrSetAsync(key, _ => Task.FromResult<string?>("from-factory"));

            Assert.Equal("from-factory", value);
            Assert.True(host.Services.GetRequiredService<TracerProvider>().ForceFlush(30_000));
            var request = await exported.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(("POST", "/v1/traces", "application/x-protobuf"), (request.Method, request.Path, request.ContentType));
            Assert.True(request.Holds("fallback"), "the span's outcome");
            Assert.False(request.Holds(key), "the raw key was exported");
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
