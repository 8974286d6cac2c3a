using System.Diagnostics.Metrics;
using CacheCluster.Http.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace CacheCluster.Tests.Telemetry;

/// <summary>The silo's one metric view, through OpenTelemetry's own SDK and in-memory exporter.</summary>
public sealed class MetricStreamsTests
{
    [Fact]
    public void Configure_ManyTagCombinations_KeepsTheLimit_AndFoldsTheRestIntoTheOverflowPoint()
    {
        using var meter = new Meter("cachecluster-metric-streams-" + Guid.NewGuid().ToString("N"));
        var exported = new List<Metric>();
        using var provider = Sdk.CreateMeterProviderBuilder().AddMeter(meter.Name).AddView(MetricStreams.Configure).AddInMemoryExporter(exported).Build();
        var counter = meter.CreateCounter<long>("cachecluster-test-ops");
        for (var i = 0; i < MetricStreams.CardinalityLimit + 100; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("key", i));
        }

        provider.ForceFlush();
        var metric = Assert.Single(exported, m => m.Name == "cachecluster-test-ops");
        var points = new List<MetricPoint>();
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            points.Add(point);
        }

        // Every measurement counted; the limit's worth of points (one of which is the overflow point).
        Assert.Equal(MetricStreams.CardinalityLimit + 100, points.Sum(p => p.GetSumLong()));
        Assert.InRange(points.Count, MetricStreams.CardinalityLimit - 1, MetricStreams.CardinalityLimit + 1);
        Assert.Contains(points, p => HasTag(p, "otel.metric.overflow"));
    }

    [Fact]
    public void Configure_OrleansMessageSizeHistograms_AreDropped()
    {
        using var meter = new Meter("cachecluster-metric-drops-" + Guid.NewGuid().ToString("N"));
        var exported = new List<Metric>();
        using (var provider = Sdk.CreateMeterProviderBuilder().AddMeter(meter.Name).AddView(MetricStreams.Configure).AddInMemoryExporter(exported).Build())
        {
            meter.CreateHistogram<int>("orleans-messaging-sent-messages-size").Record(100);
            meter.CreateHistogram<int>("orleans-messaging-received-messages-size").Record(100);
            meter.CreateCounter<long>("orleans-messaging-sent-messages").Add(1);
            provider.ForceFlush();
        }

        Assert.Equal(["orleans-messaging-sent-messages"], exported.Select(m => m.Name).Distinct());
    }

    private static bool HasTag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return true;
            }
        }

        return false;
    }
}
